using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Integration.Domain.Storage;

namespace Integration.Functions.Infrastructure;

/// <summary>
/// The input rules of Azure Table storage, checked up front by both adapters so that the
/// embedded store rejects exactly what the cloud would, and so that Azurite (which is lenient)
/// cannot hide a key the real service would refuse.
/// </summary>
internal static partial class TableStoreValidation
{
    public const int MaxBatchSize = 100;
    public const int MaxPageSize = 1000;

    // Azure counts key length in characters; 1 KiB is its documented ceiling.
    private const int MaxKeyLength = 1024;
    private const int MaxPropertyNameLength = 255;
    private const int MaxCustomProperties = 252;

    private static readonly HashSet<string> ReservedPropertyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "PartitionKey", "RowKey", "Timestamp", "ETag",
    };

    public static void ValidateTableName(string table)
    {
        if (table is null || !TableNamePattern().IsMatch(table) || string.Equals(table, "tables", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"Invalid table name '{table}': use 3-63 letters and digits, starting with a letter.");
        }
    }

    public static void ValidateKey(string key, string what, int? operationIndex = null)
    {
        if (key is null)
        {
            throw Invalid($"The {what} is required.", operationIndex);
        }

        if (key.Length > MaxKeyLength)
        {
            throw Invalid($"The {what} is longer than {MaxKeyLength} characters.", operationIndex);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw Invalid($"The {what} '{Printable(key)}' contains a character Azure Table storage does not allow ('/', '\\', '#', '?' or a control character).", operationIndex);
            }
        }
    }

    public static void ValidateIfMatch(string ifMatch, int? operationIndex = null)
    {
        if (string.IsNullOrEmpty(ifMatch))
        {
            throw Invalid("An ETag (or \"*\") is required for replace, merge and delete.", operationIndex);
        }
    }

    public static void ValidateEntity(TableEntity entity, int? operationIndex = null)
    {
        if (entity is null)
        {
            throw Invalid("The entity is required.", operationIndex);
        }

        ValidateKey(entity.PartitionKey, "partition key", operationIndex);
        ValidateKey(entity.RowKey, "row key", operationIndex);
        if (entity.Properties is null)
        {
            throw Invalid("The entity's properties are required.", operationIndex);
        }

        if (entity.Properties.Count > MaxCustomProperties)
        {
            throw Invalid($"An entity holds at most {MaxCustomProperties} properties.", operationIndex);
        }

        foreach (var (name, value) in entity.Properties)
        {
            ValidatePropertyName(name, operationIndex);
            if (value is not null)
            {
                ValidatePropertyValue(name, value, operationIndex);
            }
        }
    }

    public static void ValidateQuery(TableQuery query)
    {
        if (query is null)
        {
            throw Invalid("The query is required.");
        }

        if (query.PageSize is < 1 or > MaxPageSize)
        {
            throw Invalid($"The page size must be between 1 and {MaxPageSize}.");
        }

        if (query.PartitionKey is not null)
        {
            ValidateKey(query.PartitionKey, "partition key");
        }

        foreach (var (name, value) in query.PropertyEquals)
        {
            ValidatePropertyName(name);
            if (value is null)
            {
                throw Invalid($"Property '{name}' cannot be compared with null: Azure Table storage cannot filter on absent properties.");
            }

            ValidatePropertyValue(name, value);
        }
    }

    /// <summary>The batch rules of Azure: 1–100 operations, one partition, each row at most once.</summary>
    public static void ValidateBatch(IReadOnlyList<TableOperation> operations)
    {
        if (operations is null || operations.Count == 0)
        {
            throw new TableStoreException(TableErrorKind.InvalidBatch, "A batch needs at least one operation.");
        }

        if (operations.Count > MaxBatchSize)
        {
            throw new TableStoreException(TableErrorKind.InvalidBatch, $"A batch holds at most {MaxBatchSize} operations; this one has {operations.Count}.", MaxBatchSize);
        }

        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i] ?? throw Invalid("A batch operation is null.", i);
            ValidateEntity(operation.Entity, i);
            if (operation.Kind is TableOperationKind.Replace or TableOperationKind.Merge or TableOperationKind.Delete)
            {
                ValidateIfMatch(operation.IfMatch, i);
            }

            if (!string.Equals(operation.Entity.PartitionKey, operations[0].Entity.PartitionKey, StringComparison.Ordinal))
            {
                throw new TableStoreException(TableErrorKind.InvalidBatch, "All operations of a batch must share one partition key.", i);
            }

            if (!rowKeys.Add(operation.Entity.RowKey))
            {
                throw new TableStoreException(TableErrorKind.InvalidBatch, $"Row key '{operation.Entity.RowKey}' appears more than once in the batch.", i);
            }
        }
    }

    private static void ValidatePropertyName(string name, int? operationIndex = null)
    {
        if (name is null || name.Length > MaxPropertyNameLength || !PropertyNamePattern().IsMatch(name))
        {
            throw Invalid($"Invalid property name '{name}': use letters, digits and '_', starting with a letter or '_', at most {MaxPropertyNameLength} characters.", operationIndex);
        }

        if (ReservedPropertyNames.Contains(name))
        {
            throw Invalid($"Property name '{name}' is reserved for the system properties.", operationIndex);
        }
    }

    private static void ValidatePropertyValue(string name, object value, int? operationIndex = null)
    {
        if (value is not (string or long or int or double or bool or DateTimeOffset or Guid or byte[]))
        {
            throw Invalid($"Property '{name}' has type {value.GetType().Name}; use string, long, int, double, bool, DateTimeOffset, Guid or byte[].", operationIndex);
        }
    }

    private static TableStoreException Invalid(string message, int? operationIndex = null) =>
        new(TableErrorKind.InvalidInput, message, operationIndex);

    private static string Printable(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // \z rather than $, which would let a trailing newline through.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]{2,62}\z")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex PropertyNamePattern();
}
