// Flex Consumption plan (Linux, FC1): scales to zero and out per event, runs the .NET 10 isolated worker, and takes
// identity-based storage for both AzureWebJobsStorage and the deployment package. Scale settings live on the app
// (functionAppConfig.scaleAndConcurrency), not here. infra/README.md says why Flex Consumption over Premium.

@description('App Service plan name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

output id string = plan.id
output name string = plan.name
