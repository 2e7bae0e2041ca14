using Azure.Core;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Azure;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Messaging;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Infrastructure.ServiceBus;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Messaging</c> (a bad value stops the app at start-up, naming the key). With
    /// <c>Messaging:Provider=ServiceBus</c>, the topics other systems read are published to Service Bus (the app consumes
    /// no topic itself: its wake-ups are timers) and, when asked, their topology is installed
    /// at start-up. Nothing here connects: the clients open their connections on first use.
    /// Call after the embedded bus is registered, whose publisher this replaces.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration, TopicTopology topology)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(topology);
        var section = configuration.GetSection(MessagingOptions.Section);
        services.AddOptions<MessagingOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessagingOptions>, MessagingOptionsValidator>());

        services.TryAddSingleton<SubscriptionInbox>();

        var options = section.Get<MessagingOptions>() ?? new MessagingOptions();
        if (options.Provider != MessagingProvider.ServiceBus || options.Problems().Count > 0)
        {
            return services;
        }

        services.AddSingleton(new ServiceBusTopology(topology));

        var serviceBus = options.ServiceBus;
        services.AddAzureCredential(configuration);
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(provider => provider.GetRequiredService<TokenCredential>());
            clients.AddClient<ServiceBusClient, ServiceBusClientOptions>((clientOptions, credential, _) =>
                serviceBus.ConnectionString is { Length: > 0 } connectionString
                    ? new ServiceBusClient(connectionString, clientOptions)
                    : new ServiceBusClient(serviceBus.FullyQualifiedNamespace, credential, clientOptions));
            clients.AddClient<ServiceBusAdministrationClient, ServiceBusAdministrationClientOptions>((clientOptions, credential, _) =>
                serviceBus.ConnectionString is { Length: > 0 } connectionString
                    ? new ServiceBusAdministrationClient(connectionString, clientOptions)
                    : new ServiceBusAdministrationClient(serviceBus.FullyQualifiedNamespace, credential, clientOptions));
        });

        services.AddSingleton(provider => new ServiceBusTopicPublisher(provider.GetRequiredService<ServiceBusClient>()));
        services.RemoveAll<ITopicPublisher>();
        services.AddSingleton<ITopicPublisher>(provider => provider.GetRequiredService<ServiceBusTopicPublisher>());
        services.AddSingleton<ServiceBusTopologyInstaller>();
        if (serviceBus.InstallTopology)
        {
            services.AddHostedService<ServiceBusTopologyStartup>();
        }

        return services;
    }
}

internal sealed class MessagingOptionsValidator : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
