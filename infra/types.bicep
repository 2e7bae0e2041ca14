// The shape of the topology parameters file the app writes:
//   dotnet run --project functions -- export-topology ../infra/topology.weihai.json

@export()
@description('A Service Bus correlation filter: every listed value must equal the message\'s.')
type correlationFilter = {
  @description('Application properties to match, e.g. { department: \'housing\' }.')
  properties: object
  @description('The message Subject (label) to match.')
  subject: string?
  correlationId: string?
}

@export()
type subscriptionSpec = {
  @description('Named after the principal that reads it (housing, approval-system, trading-center, …).')
  @minLength(1)
  @maxLength(50)
  name: string
  @description('ISO 8601 duration, e.g. PT1M.')
  lockDuration: string
  @minValue(1)
  maxDeliveryCount: int
  @description('ISO 8601 duration; unlimited when left out.')
  defaultMessageTimeToLive: string?
  @description('The first replaces the $Default rule; none keeps the match-all $Default rule.')
  filters: correlationFilter[]
}

@export()
type topicSpec = {
  @minLength(1)
  @maxLength(260)
  name: string
  @description('ISO 8601 duration, e.g. PT10M.')
  duplicateDetectionHistoryTimeWindow: string
  subscriptions: subscriptionSpec[]
}

@export()
@description('Azure built-in role definition ids (the same GUIDs in every cloud).')
var roleIds = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

@export()
@description('TimeSpan.MaxValue in ISO 8601: the longest autoDeleteOnIdle and time to live Service Bus accepts.')
var unlimited = 'P10675199DT2H48M5.4775807S'

@export()
@description('An endpoint without its trailing slash, as the app\'s settings spell it.')
func withoutTrailingSlash(url string) string => endsWith(url, '/') ? take(url, max(length(url) - 1, 0)) : url
