namespace Integration.Functions.Infrastructure.ServiceBus;

public enum MessagingProvider
{
    Embedded,
    ServiceBus,
}

/// <summary>The <c>Messaging</c> configuration section: where the topics other systems read live.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary><c>Embedded</c> (the default: topics in the embedded database) or <c>ServiceBus</c>.</summary>
    public MessagingProvider Provider { get; set; } = MessagingProvider.Embedded;

    public ServiceBusOptions ServiceBus { get; set; } = new();

    /// <summary>Every configuration problem at once, each naming its key; empty when the options can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Provider))
        {
            problems.Add($"{Section}:{nameof(Provider)} must be {nameof(MessagingProvider.Embedded)} or {nameof(MessagingProvider.ServiceBus)}.");
        }

        if (Provider != MessagingProvider.ServiceBus)
        {
            return problems;
        }

        var hasNamespace = !string.IsNullOrWhiteSpace(ServiceBus.FullyQualifiedNamespace);
        var hasConnectionString = !string.IsNullOrWhiteSpace(ServiceBus.ConnectionString);
        if (hasNamespace == hasConnectionString)
        {
            problems.Add(
                $"{Section}:{nameof(Provider)} is {nameof(MessagingProvider.ServiceBus)}, which needs exactly one of {ServiceBusOptions.NamespaceKey} " +
                $"(with the Azure credential) or {ServiceBusOptions.ConnectionStringKey}.");
        }
        else if (hasNamespace && Uri.CheckHostName(ServiceBus.FullyQualifiedNamespace) != UriHostNameType.Dns)
        {
            problems.Add($"{ServiceBusOptions.NamespaceKey} must be a host name such as sb-weihai.servicebus.windows.net (no scheme, no path).");
        }

        return problems;
    }
}

/// <summary>The <c>Messaging:ServiceBus</c> section.</summary>
public sealed class ServiceBusOptions
{
    public const string NamespaceKey = $"{MessagingOptions.Section}:ServiceBus:{nameof(FullyQualifiedNamespace)}";
    public const string ConnectionStringKey = $"{MessagingOptions.Section}:ServiceBus:{nameof(ConnectionString)}";

    /// <summary>The namespace's host name (<c>…servicebus.windows.net</c>, <c>…servicebus.chinacloudapi.cn</c>), reached with the Azure credential.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>A shared-access connection string, for where no managed identity is available.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Create or update the declared topics, subscriptions and rules at start-up (on Azure the templates do it).</summary>
    public bool InstallTopology { get; set; }
}
