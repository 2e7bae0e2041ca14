// The app's own roles, by role id: send on each topic; the storage data roles the app, the Functions
// host and the Durable task hub need on the storage account.

import { roleIds } from '../types.bicep'

param principalId string
param storageAccountName string
param serviceBusNamespaceName string
param topicNames string[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [
  for name in topicNames: {
    parent: namespace
    name: name
  }
]

resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, i) in topicNames: {
    name: guid(topic[i].id, principalId, roleIds.serviceBusDataSender)
    scope: topic[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Blob Data Owner rather than Contributor: the Functions host's documented role for its own storage
// (it also covers the Flex Consumption deployment container and the app's blobs).
var storageRoles = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource storageRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(account.id, principalId, role)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]
