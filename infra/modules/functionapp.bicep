// The function app: the .NET 10 isolated worker (src/FunctionApp, FUNCTIONS_WORKER_RUNTIME dotnet-isolated) on the
// Flex Consumption plan, running as the user-assigned identity, with identity-based storage for the host, the app
// and the deployment package. On Flex Consumption the runtime is functionAppConfig.runtime (the plan refuses the
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION app settings). App settings are exactly the ones the app
// reads; tests compare them with src/FunctionApp/local.settings.sample.json.

@description('Function app name, globally unique (it becomes <name>.azurewebsites.net).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Resource id of the Flex Consumption plan.')
param planId string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity: tells the host and Azure.Identity which identity to use.')
param identityClientId string

@description('Blob endpoint of the storage account, e.g. https://<account>.blob.core.windows.net/.')
param blobServiceUri string

@description('Blob container the deployment package is uploaded to and run from, read with the identity.')
param deploymentContainerName string

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Queue endpoint of the storage account.')
param queueServiceUri string

@description('Table endpoint of the storage account.')
param tableServiceUri string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Versionless URI of the Key Vault secret holding Patchbay__EncryptionKeys.')
param encryptionKeySecretUri string

@description('Six-field CRON for the polling tick.')
param pollingSchedule string

@description('Storage queue of the poll batches (the tick writes, PollingBatch reads).')
param pollingQueue string

@description('Subscriptions polled at once per instance.')
param pollingConcurrency int

@description('Request body limit in bytes.')
param maxRequestBytes int

@description('Consecutive poll failures before a subscription is marked failed.')
param maxConsecutiveFailures int

@description('Longest one call to the app\'s own storage may take, retries included, before a request answers 503.')
param storageTimeoutSeconds int
@description('Outbound proxy for connector requests and webhook deliveries; empty for direct connections.')
param outboundProxy string

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: planId
    reserved: true
    httpsOnly: true
    clientCertEnabled: false
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      deployment: {
        storage: {
          // publish.sh's zip goes here (az functionapp deployment source config-zip uploads it); no account key.
          type: 'blobContainer'
          value: '${blobServiceUri}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
    siteConfig: {
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        // Identity-based host storage: no connection string, no account key.
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: blobServiceUri }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: queueServiceUri }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: tableServiceUri }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'PollingSchedule', value: pollingSchedule }
        { name: 'PollingQueue', value: pollingQueue }
        // The key itself never appears here: the platform resolves the reference with keyVaultReferenceIdentity.
        { name: 'Patchbay__EncryptionKeys', value: '@Microsoft.KeyVault(SecretUri=${encryptionKeySecretUri})' }
        { name: 'Patchbay__PollingConcurrency', value: string(pollingConcurrency) }
        { name: 'Patchbay__MaxRequestBytes', value: string(maxRequestBytes) }
        { name: 'Patchbay__MaxConsecutiveFailures', value: string(maxConsecutiveFailures) }
        { name: 'Patchbay__StorageTimeoutSeconds', value: string(storageTimeoutSeconds) }
        { name: 'Patchbay__OutboundProxy', value: outboundProxy }
      ]
    }
  }
}

// Deploy with Microsoft Entra tokens (az CLI does), never with FTP or Kudu basic-auth passwords.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
