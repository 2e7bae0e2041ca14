// The web console (/console) on Azure. The Functions host serves only the functions, so the same build runs a
// second time as a plain ASP.NET Core app on App Service (Linux): `dotnet Integration.Functions.dll` without
// --functions-uri is the app's own host, which serves the console beside the same API. It shares the function
// app's storage and Service Bus, with its own system-assigned identity (main.bicep gives it the same roles), and
// runs no timer and no Durable engine: the function app does both, so nothing runs twice.

import { withoutTrailingSlash } from '../types.bicep'

param baseName string

@description('Makes the app\'s host name globally unique.')
param uniqueSuffix string

param location string
param tags object

@description('.NET version of the runtime stack (linuxFxVersion DOTNETCORE|x).')
param dotnetVersion string

@allowed(['B1', 'B2', 'S1', 'P0v3', 'P1v3'])
param sku string

param storageBlobEndpoint string
param storageTableEndpoint string
param serviceBusFullyQualifiedNamespace string
param appInsightsConnectionString string

@description('Every timer function of the app: each is switched off here, since the function app runs it.')
param timerFunctions string[]

@description('Entra ID tenant whose users sign in and whose tokens the API accepts; empty leaves both off (keys only).')
param entraTenantId string
param entraInstance string
param entraAudience string

@description('Principal id → its app role values, comma separated (the same mapping as the function app\'s).')
param entraPrincipals object

@description('The console\'s app registration (client) id, for OpenID Connect sign-in; empty leaves sign-in with keys only.')
param entraClientId string

@description('Key Vault secret URI of the console\'s client secret (read as a Key Vault reference with the app\'s identity); never the secret itself.')
param entraClientSecretUri string

var authorityHost = withoutTrailingSlash(environment().authentication.loginEndpoint)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-console-${baseName}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: sku
  }
  properties: {
    // Linux.
    reserved: true
  }
}

// What the app reads (names as in its configuration, ':' written '__'). No AzureWebJobsStorage: this is not a
// Functions host. App Service's .NET image sets ASPNETCORE_HTTP_PORTS, which the app listens on.
var appSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  ASPNETCORE_ENVIRONMENT: 'Production'
  Storage__Provider: 'AzureTables'
  Storage__TableEndpoint: withoutTrailingSlash(storageTableEndpoint)
  Storage__BlobEndpoint: withoutTrailingSlash(storageBlobEndpoint)
  Messaging__Provider: 'ServiceBus'
  Messaging__ServiceBus__FullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  Azure__AuthorityHost: authorityHost
  // App Service ends TLS in front of the app: honour its X-Forwarded-Proto, so the app knows the request came over
  // HTTPS and marks the console's cookies Secure.
  ASPNETCORE_FORWARDEDHEADERS_ENABLED: 'true'
  // The function app runs the orchestrations and every timer; this instance only answers requests. Record
  // deadlines (every clock) are swept by the function app's timer whichever instance wrote them.
  Durable__Engine: 'Off'
}

var timerSettings = toObject(range(0, length(timerFunctions)), i => 'Timers__Disabled__${i}', i => timerFunctions[i])

// As the function app's, plus the console's own registration for OpenID Connect sign-in.
var entraSettings = empty(entraTenantId)
  ? {}
  : union(
      {
        Identity__EntraId__Instance: entraInstance
        Identity__EntraId__TenantId: entraTenantId
        Identity__EntraId__Audience: entraAudience
      },
      toObject(items(entraPrincipals), p => 'Identity__EntraId__Principals__${p.key}', p => string(p.value)),
      empty(entraClientId)
        ? {}
        : {
            Identity__EntraId__ClientId: entraClientId
            Identity__EntraId__ClientSecret: '@Microsoft.KeyVault(SecretUri=${entraClientSecretUri})'
          }
    )

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'console-${baseName}-${uniqueSuffix}'
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references are resolved with the system-assigned identity.
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|${dotnetVersion}'
      appCommandLine: 'dotnet Integration.Functions.dll'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      alwaysOn: sku != 'B1'
      healthCheckPath: '/api/health'
      appSettings: map(items(union(appSettings, timerSettings, entraSettings)), s => { name: s.key, value: s.value })
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output principalId string = app.identity.principalId
