// Parameters for infra/main.bicep. Everything but the encryption key has a sensible default here.
// The key is never written to a file: pass it on the command line
//   --parameters encryptionKey="$PATCHBAY_ENCRYPTION_KEY"
// or export PATCHBAY_ENCRYPTION_KEY before the deployment; generate one with
//   echo "k1:$(openssl rand -base64 32)"
using 'main.bicep'

param namePrefix = 'patchbay'
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param enableKeyVaultPurgeProtection = true
param tags = {
  application: 'patchbay'
}
param pollingSchedule = '0 */1 * * * *'
param pollingQueue = 'patchbay-polls'
param pollingConcurrency = 8
param maxRequestBytes = 1048576
param maxConsecutiveFailures = 10
param storageTimeoutSeconds = 10
// Empty: connector requests and webhooks connect directly (HTTP_PROXY is never used).
param outboundProxy = ''
param logRetentionInDays = 30
// The key never sits in a file: it comes from the environment (see README). az CLI's
// --parameters encryptionKey=... replaces this value.
param encryptionKey = readEnvironmentVariable('PATCHBAY_ENCRYPTION_KEY')
