// Key Vault in RBAC mode holding the credential-encryption key (Patchbay__EncryptionKeys).
// The app reads it through a Key Vault reference resolved with its user-assigned identity.

@description('Key Vault name: 3-24 letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the user-assigned identity the function app runs as; gets Key Vault Secrets User on this vault only.')
param identityName string

@description('Purge protection: once on it cannot be turned off, and a deleted vault keeps its name for the retention period.')
param enablePurgeProtection bool

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Name of the secret that holds the encryption keys.')
param encryptionKeySecretName string = 'patchbay-encryption-keys'

@description('Credential-encryption keys, "keyId:base64-of-32-bytes", comma-separated; the first encrypts.')
@secure()
param encryptionKey string

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

// Looked up by name (known when the template is compiled) so role assignment names stay
// deterministic for What-If; the principal id itself is only known at deployment time.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The API rejects false here; "off" is expressed by leaving the property out.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
  }
}

resource encryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: encryptionKeySecretName
  properties: {
    value: encryptionKey
    contentType: 'keyId:base64-32-bytes[,keyId:base64-32-bytes...]'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
  }
}

output name string = vault.name
// The versionless URI: the app follows the latest version, so rotating the key needs no redeploy.
output encryptionKeySecretUri string = encryptionKeySecret.properties.secretUri
