using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk;

/// <summary>
/// Reads one object of a declared secrets section (an entry of <c>Sources</c>, or an object inside one) without reflection,
/// so it is trim- and AOT-safe. Each getter returns <see langword="null"/> when the setting is absent; a value of the wrong
/// type is recorded as a problem naming its configuration path, never the value, and <see langword="null"/> comes back.
/// Every name a getter is asked for becomes a known setting: any other setting found in the object is reported as
/// unknown, with the closest known name. Problems are thrown together, as one
/// <see cref="SecretsConfigurationException"/>, once the whole section has been read.
/// </summary>
public sealed class DeclaredSection
{
    private readonly IConfiguration _configuration;
    private readonly DeclarationContext _context;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly string? _scalar;
    private readonly string? _scalarKey;

    internal DeclaredSection(IConfiguration configuration, string path, DeclarationContext context, string? scalarKey = null)
    {
        _configuration = configuration;
        _context = context;
        Path = path;
        if (scalarKey is not null && configuration is IConfigurationSection { Value: { } value } && !configuration.GetChildren().Any())
        {
            _scalar = value;
            _scalarKey = scalarKey;
        }
        else
        {
            context.Track(this);
        }
    }

    /// <summary>Gets the configuration path of this object (for example <c>SecretsManager:Sources:1</c>).</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether any problem has been found so far in the section being read.</summary>
    public bool HasProblems => _context.Problems.Count > 0;

    internal int ProblemCount => _context.Problems.Count;

    /// <summary>Gets the configuration path of the setting <paramref name="name"/> of this object.</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The path, for example <c>SecretsManager:Sources:1:Address</c>.</returns>
    public string PathOf(string name) => Path.Length == 0 ? name : $"{Path}:{name}";

    /// <summary>Tells whether the setting <paramref name="name"/> is present (with a value, an object or a list).</summary>
    /// <param name="name">The setting.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name) => _scalarKey is not null ? Scalar(name) is not null : Child(name) is not null;

    /// <summary>Reads a text setting.</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The text, or <see langword="null"/> when absent or empty.</returns>
    public string? GetString(string name) => Scalar(name) is { Length: > 0 } value ? value : null;

    /// <summary>Reads a text setting that must be present; its absence is recorded as a problem.</summary>
    /// <param name="name">The setting.</param>
    /// <param name="alternative">Where else the value may come from, quoted in the problem (for example <c>the VAULT_ADDR environment variable</c>).</param>
    /// <returns>The text, or <see langword="null"/> when absent (a problem is recorded).</returns>
    public string? GetRequiredString(string name, string? alternative = null)
    {
        var value = GetString(name);
        if (value is null && string.IsNullOrWhiteSpace(Scalar(name)))
        {
            AddProblem(name, alternative is null ? "required setting is missing." : $"required setting is missing (or set {alternative}).");
        }

        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Reads a setting that must be one of <paramref name="choices"/> (compared case-insensitively).</summary>
    /// <param name="name">The setting.</param>
    /// <param name="choices">The allowed values.</param>
    /// <returns>The matching choice as spelled in <paramref name="choices"/>, or <see langword="null"/> when absent or not allowed.</returns>
    public string? GetChoice(string name, params string[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (GetString(name) is not { } value)
        {
            return null;
        }

        var match = Array.Find(choices, c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            var closest = ClosestName.Find(value, choices);
            AddProblem(name, $"not an allowed value{(closest is null ? "" : $"; did you mean '{closest}'?")} Allowed: {string.Join(", ", choices)}.");
        }

        return match;
    }

    /// <summary>Reads a <c>true</c>/<c>false</c> setting.</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The value, or <see langword="null"/> when absent or not a boolean.</returns>
    public bool? GetBoolean(string name) =>
        Parse(name, "true or false", static (string s, out bool v) => bool.TryParse(s, out v), out var value) ? value : null;

    /// <summary>Reads a whole-number setting.</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The value, or <see langword="null"/> when absent or not a 32-bit whole number.</returns>
    public int? GetInt32(string name) =>
        Parse(name, "a whole number", static (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), out var value) ? value : null;

    /// <summary>Reads a whole-number setting that may exceed 32 bits (byte counts).</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The value, or <see langword="null"/> when absent or not a 64-bit whole number.</returns>
    public long? GetInt64(string name) =>
        Parse(name, "a whole number", static (string s, out long v) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), out var value) ? value : null;

    /// <summary>Reads a decimal-number setting (invariant culture, for example <c>0.5</c>).</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The value, or <see langword="null"/> when absent or not a finite number.</returns>
    public double? GetDouble(string name) =>
        Parse(name, "a number such as 0.5", static (string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v), out var value) ? value : null;

    /// <summary>Reads a time-span setting (<c>00:05:00</c> is five minutes, <c>1.00:00:00</c> one day).</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The value, or <see langword="null"/> when absent or not a time span.</returns>
    public TimeSpan? GetTimeSpan(string name) =>
        Parse(name, "a time span such as 00:05:00 (hours:minutes:seconds) or 1.00:00:00 (days)", static (string s, out TimeSpan v) => TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out v), out TimeSpan value) ? value : null;

    /// <summary>Reads an absolute URI setting.</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The value, or <see langword="null"/> when absent or not an absolute URI.</returns>
    public Uri? GetUri(string name) =>
        Parse(name, "an absolute URI such as https://host:8200/", static (string s, out Uri? v) => Uri.TryCreate(s, UriKind.Absolute, out v), out Uri? value) ? value : null;

    /// <summary>Reads a list of text values (<c>["a", "b"]</c>).</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The values; empty when absent or not a list of text values.</returns>
    public IReadOnlyList<string> GetStrings(string name)
    {
        var elements = Elements(name);
        var values = new List<string>(elements.Count);
        foreach (var element in elements)
        {
            if (element.GetChildren().Any() || element.Value is null)
            {
                _context.Add(element.Path, "expected a text value in this list, not an object or list.");
            }
            else
            {
                values.Add(element.Value);
            }
        }

        return values;
    }

    /// <summary>Reads an object of text values (<c>{"team": "orders"}</c>), for tags, labels and similar maps.</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The entries (keys as written); empty when absent or not an object of text values.</returns>
    public IReadOnlyDictionary<string, string> GetStringMap(string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(name) is not { } child)
        {
            return map;
        }

        if (child.Value is not null && !child.GetChildren().Any())
        {
            AddProblem(name, "expected an object of names and values ({ \"name\": \"value\" }), not a single value.");
            return map;
        }

        foreach (var entry in child.GetChildren())
        {
            if (entry.GetChildren().Any())
            {
                _context.Add(entry.Path, "expected a text value, not an object or list.");
            }
            else
            {
                map[entry.Key] = entry.Value ?? string.Empty;
            }
        }

        return map;
    }

    /// <summary>Reads a nested object (<c>"Resilience": { ... }</c>).</summary>
    /// <param name="name">The setting.</param>
    /// <returns>The object, or <see langword="null"/> when absent or not an object.</returns>
    public DeclaredSection? GetSection(string name)
    {
        if (Child(name) is not { } child)
        {
            return null;
        }

        if (child.Value is not null && !child.GetChildren().Any())
        {
            AddProblem(name, "expected an object ({ ... }), not a single value.");
            return null;
        }

        return new DeclaredSection(child, child.Path, _context);
    }

    /// <summary>Reads a list of objects (<c>"KeyValue": [ { ... }, { ... } ]</c>).</summary>
    /// <param name="name">The setting.</param>
    /// <param name="shorthandKey">
    /// When set, an element may be a single text value, read as an object whose only setting is this one
    /// (<c>"Secrets": ["db", { "SecretId": "api", "Section": "Api" }]</c>).
    /// </param>
    /// <returns>The elements in order; empty when absent or not a list.</returns>
    public IReadOnlyList<DeclaredSection> GetSections(string name, string? shorthandKey = null)
    {
        var sections = new List<DeclaredSection>();
        foreach (var element in Elements(name))
        {
            if (shorthandKey is null && element.Value is not null && !element.GetChildren().Any())
            {
                _context.Add(element.Path, "expected an object ({ ... }) in this list, not a single value.");
                continue;
            }

            sections.Add(new DeclaredSection(element, element.Path, _context, shorthandKey));
        }

        return sections;
    }

    /// <summary>
    /// Refuses a setting that must never be written in configuration (an inline token or secret id): its presence is a
    /// problem whose message is <paramref name="advice"/> (say where the value belongs instead). Its value is never read.
    /// </summary>
    /// <param name="name">The refused setting.</param>
    /// <param name="advice">Why it is refused and where to put it instead.</param>
    public void Reject(string name, string advice)
    {
        ArgumentException.ThrowIfNullOrEmpty(advice);
        if (Child(name) is not null)
        {
            AddProblem(name, advice);
        }
    }

    /// <summary>Marks settings as known without reading them (for example the settings of an authentication method that could not be determined).</summary>
    /// <param name="names">The settings.</param>
    public void IgnoreSettings(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _known.UnionWith(names);
    }

    /// <summary>Records a problem with the setting <paramref name="name"/> (or with this object when <see langword="null"/>).</summary>
    /// <param name="name">The setting, or <see langword="null"/>.</param>
    /// <param name="message">What is wrong and how to fix it; must not quote a configured value.</param>
    public void AddProblem(string? name, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        _context.Add(name is null ? Path : ChildPath(name), message);
    }

    /// <summary>
    /// Reads the settings every source has (<see cref="SecretSourceOptions"/>: <c>Name</c>, <c>Optional</c>, <c>Section</c>,
    /// <c>KeyPrefix</c>, <c>RefreshInterval</c> — <c>"Off"</c> turns polling off —, <c>MaxSecretBytes</c>, <c>Resilience</c>,
    /// <c>Leases</c>, ...) into <paramref name="options"/>. Settings that are absent keep the options' defaults.
    /// </summary>
    /// <param name="options">The source's options.</param>
    public void ApplyTo(SecretSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Name = GetString(nameof(options.Name)) ?? options.Name;
        options.Optional = GetBoolean(nameof(options.Optional)) ?? options.Optional;
        options.Section = GetString(nameof(options.Section)) ?? options.Section;
        options.KeyPrefix = GetString(nameof(options.KeyPrefix)) ?? options.KeyPrefix;
        options.FlattenJson = GetBoolean(nameof(options.FlattenJson)) ?? options.FlattenJson;
        if (string.Equals(Scalar(nameof(options.RefreshInterval)), "Off", StringComparison.OrdinalIgnoreCase))
        {
            options.RefreshInterval = null;
        }
        else if (GetTimeSpan(nameof(options.RefreshInterval)) is { } interval)
        {
            options.RefreshInterval = interval;
        }

        options.RefreshJitter = GetDouble(nameof(options.RefreshJitter)) ?? options.RefreshJitter;
        options.MinimumRefreshInterval = GetTimeSpan(nameof(options.MinimumRefreshInterval)) ?? options.MinimumRefreshInterval;
        options.MaxErrorBackoff = GetTimeSpan(nameof(options.MaxErrorBackoff)) ?? options.MaxErrorBackoff;
        options.ChangeDebounce = GetTimeSpan(nameof(options.ChangeDebounce)) ?? options.ChangeDebounce;
        options.DegradedAfter = GetTimeSpan(nameof(options.DegradedAfter)) ?? options.DegradedAfter;
        options.UnhealthyAfter = GetTimeSpan(nameof(options.UnhealthyAfter)) ?? options.UnhealthyAfter;
        options.MaxSecretBytes = GetInt32(nameof(options.MaxSecretBytes)) ?? options.MaxSecretBytes;
        options.MaxConcurrency = GetInt32(nameof(options.MaxConcurrency)) ?? options.MaxConcurrency;
        if (GetSection(nameof(options.Resilience)) is { } resilience)
        {
            resilience.ApplyTo(options.Resilience);
        }

        if (GetSection(nameof(options.Leases)) is { } leases)
        {
            leases.ApplyTo(options.Leases);
        }
    }

    /// <summary>
    /// Applies the code registered with <c>ConfigureDeclaredSources</c>/<c>ConfigureDeclaredSource</c> for this options type
    /// (and the source's <c>Name</c>) to <paramref name="options"/>. A source type calls it last, after reading the file.
    /// </summary>
    /// <typeparam name="TOptions">The source's options type.</typeparam>
    /// <param name="options">The options read from the file.</param>
    public void Customize<TOptions>(TOptions options)
        where TOptions : SecretSourceOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var hook in _context.Hooks)
        {
            if (hook.OptionsType.IsInstanceOfType(options) && (hook.Name is null || string.Equals(hook.Name, options.Name, StringComparison.OrdinalIgnoreCase)))
            {
                hook.Apply(options);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Path;

    internal IEnumerable<string> ConfiguredKeys() => _scalarKey is not null ? [_scalarKey] : _configuration.GetChildren().Select(c => c.Key);

    internal void ReportUnknownSettings()
    {
        foreach (var child in _configuration.GetChildren())
        {
            if (_known.Contains(child.Key))
            {
                continue;
            }

            var closest = ClosestName.Find(child.Key, _known);
            _context.Add(
                child.Path,
                closest is not null
                    ? $"unknown setting; did you mean '{closest}'?"
                    : $"unknown setting. Settings here: {string.Join(", ", _known.Order(StringComparer.OrdinalIgnoreCase))}.");
        }
    }

    private void ApplyTo(SecretResilienceOptions options)
    {
        options.AttemptTimeout = GetTimeSpan(nameof(options.AttemptTimeout)) ?? options.AttemptTimeout;
        options.MaxRetryAttempts = GetInt32(nameof(options.MaxRetryAttempts)) ?? options.MaxRetryAttempts;
        options.RetryBaseDelay = GetTimeSpan(nameof(options.RetryBaseDelay)) ?? options.RetryBaseDelay;
        options.RetryMaxDelay = GetTimeSpan(nameof(options.RetryMaxDelay)) ?? options.RetryMaxDelay;
        options.CircuitBreakerEnabled = GetBoolean(nameof(options.CircuitBreakerEnabled)) ?? options.CircuitBreakerEnabled;
        options.CircuitBreakerFailureRatio = GetDouble(nameof(options.CircuitBreakerFailureRatio)) ?? options.CircuitBreakerFailureRatio;
        options.CircuitBreakerMinimumThroughput = GetInt32(nameof(options.CircuitBreakerMinimumThroughput)) ?? options.CircuitBreakerMinimumThroughput;
        options.CircuitBreakerSamplingDuration = GetTimeSpan(nameof(options.CircuitBreakerSamplingDuration)) ?? options.CircuitBreakerSamplingDuration;
        options.CircuitBreakerBreakDuration = GetTimeSpan(nameof(options.CircuitBreakerBreakDuration)) ?? options.CircuitBreakerBreakDuration;
    }

    private void ApplyTo(SecretLeaseOptions options)
    {
        options.RenewAtFraction = GetDouble(nameof(options.RenewAtFraction)) ?? options.RenewAtFraction;
        options.Jitter = GetDouble(nameof(options.Jitter)) ?? options.Jitter;
        options.MinimumRenewal = GetTimeSpan(nameof(options.MinimumRenewal)) ?? options.MinimumRenewal;
        options.ExpiryThreshold = GetTimeSpan(nameof(options.ExpiryThreshold)) ?? options.ExpiryThreshold;
        options.RenewalIncrement = GetTimeSpan(nameof(options.RenewalIncrement)) ?? options.RenewalIncrement;
        options.MinimumLeaseDuration = GetTimeSpan(nameof(options.MinimumLeaseDuration)) ?? options.MinimumLeaseDuration;
        options.MinimumRotationInterval = GetTimeSpan(nameof(options.MinimumRotationInterval)) ?? options.MinimumRotationInterval;
        options.MaxRenewalFailures = GetInt32(nameof(options.MaxRenewalFailures)) ?? options.MaxRenewalFailures;
        options.RevokeGracePeriod = GetTimeSpan(nameof(options.RevokeGracePeriod)) ?? options.RevokeGracePeriod;
        options.RevokeReplacedLeases = GetBoolean(nameof(options.RevokeReplacedLeases)) ?? options.RevokeReplacedLeases;
        options.RevokeOnShutdown = GetBoolean(nameof(options.RevokeOnShutdown)) ?? options.RevokeOnShutdown;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private bool Parse<T>(string name, string expected, TryParse<T> parse, out T value)
    {
        value = default!;
        if (Scalar(name) is not { Length: > 0 } text)
        {
            return false;
        }

        if (parse(text.Trim(), out value))
        {
            return true;
        }

        AddProblem(name, $"expected {expected}; the value given is not.");
        return false;
    }

    private string? Scalar(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _known.Add(name);
        if (_scalarKey is not null)
        {
            return string.Equals(name, _scalarKey, StringComparison.OrdinalIgnoreCase) ? _scalar : null;
        }

        var child = _configuration.GetSection(name);
        if (child.GetChildren().Any())
        {
            AddProblem(name, "expected a single value, not an object or list.");
            return null;
        }

        return child.Value;
    }

    private IConfigurationSection? Child(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _known.Add(name);
        if (_scalarKey is not null)
        {
            return null;
        }

        var child = _configuration.GetSection(name);
        return child.Value is null && !child.GetChildren().Any() ? null : child;
    }

    private List<IConfigurationSection> Elements(string name)
    {
        if (Child(name) is not { } child)
        {
            return [];
        }

        var elements = child.GetChildren().ToList();
        if ((child.Value is not null && elements.Count == 0) || elements.Any(e => !int.TryParse(e.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            AddProblem(name, "expected a list ([ ... ]).");
            return [];
        }

        return [.. elements.OrderBy(e => int.Parse(e.Key, NumberStyles.None, CultureInfo.InvariantCulture))];
    }

    private string ChildPath(string name) =>
        _scalarKey is null && _configuration.GetSection(name) is { } child && (child.Value is not null || child.GetChildren().Any()) ? child.Path : PathOf(name);
}
