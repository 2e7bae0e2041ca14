// The integration platform on Azure or Azure China (21Vianet): the function app, its storage account,
// the Service Bus namespace with the topology the app declares, monitoring, and the role assignments.
// Every endpoint comes from the cloud deployed to (environment() and the resources' own properties).
//
//   az deployment group create -g <group> -f infra/main.bicep \
//     -p @infra/topology.weihai.json -p baseName=weihai hostingPlan=FlexConsumption
// (docs/deploy.md: the whole sequence, Azure China included.)

import { topicSpec } from 'types.bicep'

@description('Short lower-case name of the deployment (e.g. weihai); resource names derive from it.')
@minLength(2)
@maxLength(20)
param baseName string

param location string = resourceGroup().location

@description('FlexConsumption where the region offers it (az functionapp list-flexconsumption-locations); ElasticPremium otherwise, e.g. in Azure China.')
@allowed(['FlexConsumption', 'ElasticPremium'])
param hostingPlan string = 'FlexConsumption'

@description('.NET version of the isolated worker.')
param dotnetVersion string = '10.0'

@allowed(['EP1', 'EP2', 'EP3'])
param elasticPremiumSku string = 'EP1'

@minValue(1)
@maxValue(20)
param elasticPremiumMaximumWorkers int = 5

@minValue(40)
@maxValue(1000)
param flexMaximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param flexInstanceMemoryMB int = 2048

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_RAGRS'])
param storageSku string = 'Standard_LRS'

@description('Topics and per-principal subscriptions: the parameters file the app writes (export-topology).')
param topics topicSpec[]

@description('Entra object id of the identity each subscriber reads with, by subscription name, e.g. { "housing": "<object id>" }; subscribers left out get no role.')
param subscriberObjectIds object = {}

@description('Microsoft Entra ID bearer tokens for the API: the directory (tenant) id. Empty: API keys only (docs/deploy.md, "Microsoft Entra ID").')
param entraTenantId string = ''

@description('Sign-in host of the tenant\'s cloud; Azure China: https://login.partner.microsoftonline.cn/ (the issuer of its v2.0 tokens).')
param entraInstance string = environment().authentication.loginEndpoint

@description('The API app registration\'s application id URI or client id: the audience accepted tokens carry.')
param entraAudience string = ''

@description('Principal id → its app role values, comma separated, e.g. { "housing": "Department.Housing", "trading-center": "System.TradingCenter" }.')
param entraPrincipals object = {}

@description('Deploy the web console (/console) as an App Service app beside the function app.')
param deployConsole bool = true

@allowed(['B1', 'B2', 'S1', 'P0v3', 'P1v3'])
param consoleSku string = 'B1'

@description('The console\'s app registration (client) id for Entra ID sign-in; empty: the console signs in with keys only.')
param entraConsoleClientId string = ''

@description('Key Vault secret URI of the console\'s client secret (a Key Vault reference; the console\'s identity needs Key Vault Secrets User on it).')
param entraConsoleClientSecretUri string = ''

@description('Every timer function of the app (the console switches each off; the function app runs them). Kept equal to the app by a test.')
param timerFunctions string[] = [
  'approval-pull'
  'deadline-sweep'
  'orchestration-purge'
  'outbox-sweep'
  'reports-coordination-timer'
]

param tags object = {}

var suffix = uniqueString(resourceGroup().id, baseName)

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    baseName: baseName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    accountName: take('st${toLower(replace(baseName, '-', ''))}${suffix}', 24)
    location: location
    skuName: storageSku
    tags: tags
  }
}

module serviceBus 'modules/serviceBus.bicep' = {
  name: 'service-bus'
  params: {
    namespaceName: 'sb-${baseName}-${suffix}'
    location: location
    tags: tags
    topics: topics
    subscriberObjectIds: subscriberObjectIds
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'function-app'
  params: {
    baseName: baseName
    uniqueSuffix: suffix
    location: location
    tags: tags
    hostingPlan: hostingPlan
    dotnetVersion: dotnetVersion
    elasticPremiumSku: elasticPremiumSku
    elasticPremiumMaximumWorkers: elasticPremiumMaximumWorkers
    flexMaximumInstanceCount: flexMaximumInstanceCount
    flexInstanceMemoryMB: flexInstanceMemoryMB
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    entraTenantId: entraTenantId
    entraInstance: entraInstance
    entraAudience: entraAudience
    entraPrincipals: entraPrincipals
  }
}

module appAccess 'modules/appAccess.bicep' = {
  name: 'app-access'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    topicNames: serviceBus.outputs.topicNames
  }
}

module consoleApp 'modules/consoleApp.bicep' = if (deployConsole) {
  name: 'console-app'
  params: {
    baseName: baseName
    uniqueSuffix: suffix
    location: location
    tags: tags
    dotnetVersion: dotnetVersion
    sku: consoleSku
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    timerFunctions: timerFunctions
    entraTenantId: entraTenantId
    entraInstance: entraInstance
    entraAudience: entraAudience
    entraPrincipals: entraPrincipals
    entraClientId: entraConsoleClientId
    entraClientSecretUri: entraConsoleClientSecretUri
  }
}

// The console reads and writes the same records and sends on the same topics as the function app.
module consoleAccess 'modules/appAccess.bicep' = if (deployConsole) {
  name: 'console-access'
  params: {
    principalId: consoleApp!.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    topicNames: serviceBus.outputs.topicNames
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output functionAppPrincipalId string = functionApp.outputs.principalId
output storageAccountName string = storage.outputs.name
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output authorityHost string = functionApp.outputs.authorityHost
output consoleHostName string = deployConsole ? consoleApp!.outputs.defaultHostName : ''
output consolePrincipalId string = deployConsole ? consoleApp!.outputs.principalId : ''
