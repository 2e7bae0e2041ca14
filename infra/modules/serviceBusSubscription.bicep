// One subscription, its correlation filters and the receiver role of the principal it belongs to.

import { subscriptionSpec, roleIds, unlimited } from '../types.bicep'

param namespaceName string
param topicName string
param subscription subscriptionSpec

@description('Entra object id of the identity that reads this subscription; empty: no role is assigned.')
param readerObjectId string = ''

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = {
  parent: namespace
  name: topicName
}

resource sub 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: topic
  name: subscription.name
  properties: {
    lockDuration: subscription.lockDuration
    maxDeliveryCount: subscription.maxDeliveryCount
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
    defaultMessageTimeToLive: subscription.?defaultMessageTimeToLive ?? unlimited
    // Set explicitly: a subscription nobody read for a while must not disappear with its messages.
    autoDeleteOnIdle: unlimited
    requiresSession: false
    enableBatchedOperations: true
  }
}

// Service Bus creates every subscription with a match-all rule named $Default. Writing a rule of that
// name replaces its filter, so the subscription receives only what its first filter matches; further
// filters are added beside it. A subscription declared without filters keeps the match-all rule.
resource rule 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for (filter, i) in subscription.filters: {
    parent: sub
    name: i == 0 ? '$Default' : 'filter-${i + 1}'
    properties: {
      filterType: 'CorrelationFilter'
      // Only the parts a filter names: a null part would be sent as a value to match.
      correlationFilter: union(
        { properties: filter.properties },
        contains(filter, 'subject') ? { label: filter.?subject } : {},
        contains(filter, 'correlationId') ? { correlationId: filter.?correlationId } : {}
      )
    }
  }
]

resource receiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(readerObjectId)) {
  name: guid(sub.id, readerObjectId, roleIds.serviceBusDataReceiver)
  scope: sub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataReceiver)
    principalId: readerObjectId
    description: 'Reads its own subscription ${topicName}/${subscription.name}.'
  }
  // Not before the filter is in place: until then the new subscription matches every message.
  dependsOn: [rule]
}
