// Patchbay on Azure: one resource group holding the function app (the .NET 10 isolated worker on a
// Flex Consumption plan) and what it needs. Deploy with:
//   az deployment group create --resource-group <rg> --template-file infra/main.bicep \
//     --parameters infra/main.bicepparam --parameters encryptionKey="$PATCHBAY_ENCRYPTION_KEY"
// See infra/README.md for every module and parameter.
targetScope = 'resourceGroup'

@description('Prefix for every resource name: lowercase letters and digits, optionally one hyphen between them. Names end in a suffix unique to the resource group.')
@minLength(2)
@maxLength(10)
param namePrefix string = 'patchbay'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {
  application: 'patchbay'
}

@description('Most instances the app scales out to (Flex Consumption: 40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB (Flex Consumption: 512, 2048 or 4096).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Key Vault purge protection. Irreversible once on; leave off for throwaway environments.')
param enableKeyVaultPurgeProtection bool = true

@description('Credential-encryption keys, "keyId:base64-of-32-random-bytes" (comma-separated to rotate; the first encrypts). Generate one with: echo "k1:$(openssl rand -base64 32)". Stored only in Key Vault.')
@secure()
@minLength(36)
param encryptionKey string

@description('Six-field CRON for the polling tick (PollingSchedule).')
param pollingSchedule string = '0 */1 * * * *'

@description('Storage queue the polling tick sends poll batches to and the PollingBatch function reads (PollingQueue); 3-56 lowercase letters, digits and single hyphens.')
@minLength(3)
@maxLength(56)
param pollingQueue string = 'patchbay-polls'

@description('Subscriptions polled at once per instance (Patchbay__PollingConcurrency).')
@minValue(1)
@maxValue(256)
param pollingConcurrency int = 64

@description('Request body limit in bytes (Patchbay__MaxRequestBytes).')
@minValue(1024)
param maxRequestBytes int = 1048576

@description('Consecutive poll failures before a subscription is marked failed (Patchbay__MaxConsecutiveFailures).')
@minValue(1)
param maxConsecutiveFailures int = 10

@description('Longest one call to the app\'s own storage may take, retries included, before a request answers 503 (Patchbay__StorageTimeoutSeconds).')
@minValue(1)
@maxValue(300)
param storageTimeoutSeconds int = 10
@description('Outbound proxy for connector requests and webhook deliveries, e.g. http://proxy.internal:3128 (Patchbay__OutboundProxy). Empty: direct connections; HTTP_PROXY is never used.')
param outboundProxy string = ''

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var suffix = uniqueString(resourceGroup().id)
var prefix = toLower(namePrefix)
var names = {
  identity: '${prefix}-id-${suffix}'
  // Storage account names allow only lowercase letters and digits, at most 24.
  storage: take('${replace(prefix, '-', '')}st${suffix}', 24)
  plan: '${prefix}-plan-${suffix}'
  functionApp: '${prefix}-func-${suffix}'
  workspace: '${prefix}-log-${suffix}'
  appInsights: '${prefix}-appi-${suffix}'
  // Key Vault names: 3-24 characters, start with a letter, no consecutive hyphens.
  keyVault: take('${prefix}-kv-${suffix}', 24)
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  // The identity is passed by name (known now, so What-If can predict the role assignments).
  dependsOn: [
    identity
  ]
  params: {
    name: names.storage
    location: location
    tags: tags
    identityName: names.identity
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  dependsOn: [
    identity
  ]
  params: {
    name: names.keyVault
    location: location
    tags: tags
    identityName: names.identity
    enablePurgeProtection: enableKeyVaultPurgeProtection
    encryptionKey: encryptionKey
  }
}

module plan 'modules/plan.bicep' = {
  name: 'plan'
  params: {
    name: names.plan
    location: location
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  // No explicit dependsOn: the storage and vault outputs used below already order the app after
  // those modules, so the identity holds its roles before the app first starts.
  params: {
    name: names.functionApp
    location: location
    tags: tags
    planId: plan.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobServiceUri: storage.outputs.blobServiceUri
    deploymentContainerName: storage.outputs.deploymentContainerName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    queueServiceUri: storage.outputs.queueServiceUri
    tableServiceUri: storage.outputs.tableServiceUri
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    encryptionKeySecretUri: keyVault.outputs.encryptionKeySecretUri
    pollingSchedule: pollingSchedule
    pollingQueue: pollingQueue
    pollingConcurrency: pollingConcurrency
    maxRequestBytes: maxRequestBytes
    maxConsecutiveFailures: maxConsecutiveFailures
    storageTimeoutSeconds: storageTimeoutSeconds
    outboundProxy: outboundProxy
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'
output resourceNames object = {
  identity: identity.outputs.name
  storageAccount: storage.outputs.name
  deploymentContainer: storage.outputs.deploymentContainerName
  plan: plan.outputs.name
  functionApp: functionApp.outputs.name
  logAnalyticsWorkspace: monitoring.outputs.workspaceName
  applicationInsights: monitoring.outputs.appInsightsName
  keyVault: keyVault.outputs.name
}
