// The Service Bus namespace with the topics and per-principal subscriptions the app declares
// (the topology parameters file), and the receiver role of each subscriber on its own subscriptions.

import { topicSpec, unlimited } from '../types.bicep'

param location string
param tags object

@minLength(6)
@maxLength(50)
param namespaceName string

param topics topicSpec[]

@description('Entra object id each subscriber reads with, by subscription name; subscribers left out get no role.')
param subscriberObjectIds object

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    // Standard is the first tier with topics; it caps a message at 256 KB (large content goes by claim check).
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // Microsoft Entra only: every sender and receiver has a role, no shared access key exists to leak.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for t in topics: {
    parent: namespace
    name: t.name
    properties: {
      // The outbox publishes with MessageId = the outbox id; a republished message within the window is dropped.
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: t.duplicateDetectionHistoryTimeWindow
      // Set explicitly: a topic or subscription deleted for idling would silently lose what it routes.
      autoDeleteOnIdle: unlimited
      defaultMessageTimeToLive: unlimited
      enableBatchedOperations: true
    }
  }
]

var subscriptions = flatten(map(topics, t => map(t.subscriptions, s => { topic: t.name, spec: s })))

module subscription 'serviceBusSubscription.bicep' = [
  for s in subscriptions: {
    name: take('sbs-${s.topic}-${s.spec.name}', 64)
    params: {
      namespaceName: namespace.name
      topicName: s.topic
      subscription: s.spec
      readerObjectId: subscriberObjectIds[?s.spec.name] ?? ''
    }
    dependsOn: [topic]
  }
]

output name string = namespace.name
@description('Host name only (no scheme, no port), as ServiceBusClient takes it.')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output topicNames string[] = [for t in topics: t.name]
