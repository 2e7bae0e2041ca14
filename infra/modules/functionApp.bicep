// The function app on the isolated worker, with a system-assigned managed identity and the settings the
// app reads. Flex Consumption where the region offers it; Elastic Premium otherwise (e.g. Azure China).

import { withoutTrailingSlash } from '../types.bicep'

param baseName string

@description('Makes the app\'s host name globally unique.')
param uniqueSuffix string

param location string
param tags object

@allowed(['FlexConsumption', 'ElasticPremium'])
param hostingPlan string

@description('.NET version of the isolated worker (functionAppConfig.runtime.version / linuxFxVersion).')
param dotnetVersion string

@allowed(['EP1', 'EP2', 'EP3'])
param elasticPremiumSku string

@minValue(1)
@maxValue(20)
param elasticPremiumMaximumWorkers int

@minValue(40)
@maxValue(1000)
param flexMaximumInstanceCount int

@allowed([512, 2048, 4096])
param flexInstanceMemoryMB int

param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerUrl string
param serviceBusFullyQualifiedNamespace string
param appInsightsConnectionString string

@description('Entra ID tenant whose tokens the API accepts; empty leaves them off.')
param entraTenantId string
param entraInstance string
param entraAudience string

@description('Principal id → its app role values, comma separated.')
param entraPrincipals object

var isFlex = hostingPlan == 'FlexConsumption'

// The login endpoint of the cloud deployed to (login.microsoftonline.com, login.chinacloudapi.cn …).
var authorityHost = withoutTrailingSlash(environment().authentication.loginEndpoint)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}'
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : {
        name: elasticPremiumSku
        tier: 'ElasticPremium'
      }
  properties: union(
    {
      // Linux.
      reserved: true
    },
    isFlex ? {} : { maximumElasticWorkerCount: elasticPremiumMaximumWorkers }
  )
}

// What the app reads (names as in its configuration, ':' written '__').
var appSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  // Host storage (and the Durable task hub) with the managed identity. The service URIs, unlike
  // AzureWebJobsStorage__accountName, also work outside the public cloud.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__blobServiceUri: withoutTrailingSlash(storageBlobEndpoint)
  AzureWebJobsStorage__queueServiceUri: withoutTrailingSlash(storageQueueEndpoint)
  AzureWebJobsStorage__tableServiceUri: withoutTrailingSlash(storageTableEndpoint)
  Storage__Provider: 'AzureTables'
  Storage__TableEndpoint: withoutTrailingSlash(storageTableEndpoint)
  Storage__BlobEndpoint: withoutTrailingSlash(storageBlobEndpoint)
  Messaging__Provider: 'ServiceBus'
  Messaging__ServiceBus__FullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  Azure__AuthorityHost: authorityHost
  // The Functions host resolves %Setting% timer schedules from app settings, never from appsettings.json.
  // Three run every few seconds or minutes, the same in every time zone; the nightly purge runs at 03:30
  // of the host's zone (UTC unless configured), which does not matter for a purge.
  Durable__DeadlineSweepSchedule: '*/5 * * * * *'
  Durable__OutboxSweepSchedule: '30 * * * * *'
  Connectors__ApprovalSystem__Schedule: '0 */5 * * * *'
  Durable__PurgeSchedule: '0 30 3 * * *'
  // The coordination report on the period just ended: 08:00 of the host's zone on the first day of a quarter.
  // In UTC that is 16:00 in China, still the first day there, so it reports on the same period.
  Reports__Schedule: '0 0 8 1 1,4,7,10 *'
  // host.json's hubName is %Durable:TaskHub%: the extension's task hub and the name the app reports are one setting.
  Durable__TaskHub: 'TenderingSupervision'
}

// Entra ID bearer tokens for the API, when a tenant is named. Checking a token needs the tenant's public keys only,
// so no secret is written here (the console's client secret, where the console runs, is a Key Vault reference).
var entraSettings = empty(entraTenantId)
  ? {}
  : union(
      {
        Identity__EntraId__Instance: entraInstance
        Identity__EntraId__TenantId: entraTenantId
        Identity__EntraId__Audience: entraAudience
      },
      toObject(items(entraPrincipals), p => 'Identity__EntraId__Principals__${p.key}', p => string(p.value))
    )

// Flex Consumption takes the runtime from functionAppConfig and rejects these settings; the other plans need them.
var classicPlanSettings = isFlex
  ? {}
  : {
      FUNCTIONS_EXTENSION_VERSION: '~4'
      FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
      // Runs the zip deployed by config-zip; no Azure Files content share, which would need a shared key.
      WEBSITE_RUN_FROM_PACKAGE: '1'
    }

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${baseName}-${uniqueSuffix}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: union(
    {
      serverFarmId: plan.id
      httpsOnly: true
      siteConfig: union(
        {
          minTlsVersion: '1.2'
          ftpsState: 'Disabled'
          http20Enabled: true
          appSettings: map(items(union(appSettings, entraSettings, classicPlanSettings)), s => { name: s.key, value: s.value })
        },
        isFlex ? {} : { linuxFxVersion: 'DOTNET-ISOLATED|${dotnetVersion}' }
      )
    },
    isFlex
      ? {
          functionAppConfig: {
            deployment: {
              storage: {
                type: 'blobContainer'
                value: deploymentContainerUrl
                authentication: {
                  type: 'SystemAssignedIdentity'
                }
              }
            }
            scaleAndConcurrency: {
              maximumInstanceCount: flexMaximumInstanceCount
              instanceMemoryMB: flexInstanceMemoryMB
            }
            runtime: {
              name: 'dotnet-isolated'
              version: dotnetVersion
            }
          }
        }
      : {}
  )
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output principalId string = app.identity.principalId
output authorityHost string = authorityHost
