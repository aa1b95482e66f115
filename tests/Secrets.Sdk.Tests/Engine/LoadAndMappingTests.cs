using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Engine;

public sealed class LoadAndMappingTests
{
    [Fact]
    public void Load_MapsNamesWithDefaultDelimiters()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database/Host", "db.internal");
        store.Set("Api__Key", "k-123");
        store.Set("Feature--Flag", "on");

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options()));

        Assert.Equal("db.internal", config["Database:Host"]);
        Assert.Equal("k-123", config["Api:Key"]);
        Assert.Equal("on", config["Feature:Flag"]);
    }

    [Fact]
    public void Load_FlattensJsonObjectsAndArrays()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database", """{"username":"u","password":"p","hosts":["a","b"],"pool":{"max":10,"tls":true},"none":null}""");

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options()));

        Assert.Equal("u", config["Database:username"]);
        Assert.Equal("p", config["Database:password"]);
        Assert.Equal("a", config["Database:hosts:0"]);
        Assert.Equal("b", config["Database:hosts:1"]);
        Assert.Equal("10", config["Database:pool:max"]);
        Assert.Equal("true", config["Database:pool:tls"]);
        Assert.Null(config["Database:none"]);
        Assert.Null(config["Database"]);
        Assert.Equal(["hosts", "none", "password", "pool", "username"], config.GetSection("Database").GetChildren().Select(c => c.Key).ToArray());
    }

    [Fact]
    public void Load_ValueThatMerelyStartsWithBrace_IsKeptAsText()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Password", "{not-json");

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options()));

        Assert.Equal("{not-json", config["Password"]);
    }

    [Fact]
    public void Load_DeclaredJsonThatIsMalformed_FailsNamingSecretWithoutValue()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database", """{"password":"hunter2-secret",""", contentType: "application/json");

        var ex = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (store, TestConfig.Options())));

        Assert.Contains("'Database'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'mem'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PrefixIsStrippedAndOtherSecretsSkipped_SectionPrepended()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("orders/Db/Password", "p1");
        store.Set("billing/Db/Password", "p2");

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options(o =>
        {
            o.KeyPrefix = "orders";
            o.Section = "App";
        })));

        Assert.Equal("p1", config["App:Db:Password"]);
        Assert.Null(config["App:billing:Db:Password"]);
        Assert.Single(config.AsEnumerable(), kv => kv.Value is not null);
    }

    [Fact]
    public void Load_CustomMapperCanRenameAndSkip()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("keep-me", "1");
        store.Set("skip-me", "2");

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options(o =>
            o.KeyMapper = SecretKeyMapper.Create(m => m.Name.StartsWith("skip", StringComparison.Ordinal) ? null : "Custom:" + m.Name.ToUpperInvariant()))));

        Assert.Equal("1", config["Custom:KEEP-ME"]);
        Assert.Null(config["skip-me"]);
    }

    [Fact]
    public void Load_DerivedMapperOverridesGetKeyAndCanDeferToTheDelimiters()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database--Password", "1");
        store.Set("legacy_Smtp--Host", "2");

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options(o => o.KeyMapper = new LegacyPrefixMapper())));

        Assert.Equal("1", config["Database:Password"]);
        Assert.Equal("2", config["Mail:Smtp:Host"]);
        Assert.Null(config["legacy_Smtp:Host"]);
    }

    [Fact]
    public void GetKey_PrefersTheStoresConfigurationKeyOverTheName()
    {
        var mapper = new SecretKeyMapper("/");

        Assert.Equal("Stripe", mapper.GetKey(new SecretMetadata("shared/stripe-key") { ConfigurationKey = "Stripe" }));
        Assert.Equal("shared:stripe-key", mapper.GetKey(new SecretMetadata("shared/stripe-key")));
        Assert.Equal(["/"], mapper.Delimiters);
    }

    [Fact]
    public void Load_BinaryValueIsBase64()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Cert", SecretValue.FromBytes([0, 1, 2, 255]));

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options()));

        Assert.Equal(Convert.ToBase64String(new byte[] { 0, 1, 2, 255 }), config["Cert"]);
    }

    [Fact]
    public void Load_DuplicateKeys_FailNamingBothSecrets()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database/Password", "a");
        store.Set("Database__Password", "b");

        var ex = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (store, TestConfig.Options())));

        Assert.Contains("'Database/Password'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Database__Password'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Database:Password", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateFromJsonFlattening_FailsNamingBothSecrets()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database", """{"Password":"a"}""");
        store.Set("Database/Password", "b");

        var ex = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (store, TestConfig.Options())));

        Assert.Contains("'Database'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Database/Password'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DisabledSecretIsSkipped()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        store.Set("B", "2");
        store.SetEnabled("B", enabled: false);

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options()));

        Assert.Equal("1", config["A"]);
        Assert.Null(config["B"]);
    }

    [Fact]
    public void Load_LaterSourceWinsForSameKey()
    {
        var time = new ManualTimeProvider();
        var first = new InMemorySecretStore("first", time);
        var second = new InMemorySecretStore("second", time);
        first.Set("Key", "from-first");
        first.Set("Only", "first-only");
        second.Set("Key", "from-second");

        var (config, _) = TestConfig.Build(time, (first, TestConfig.Options()), (second, TestConfig.Options()));

        Assert.Equal("from-second", config["Key"]);
        Assert.Equal("first-only", config["Only"]);
    }

    [Fact]
    public void Load_SourcesLoadInBatchesOfMaxBatchSize()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time) { MaxBatchSize = 20 };
        for (var i = 0; i < 100; i++)
        {
            store.Set($"S{i:D3}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options()));

        Assert.Equal(5, store.GetCalls);
        Assert.Equal(1, store.ListCalls);
        Assert.Equal("99", config["S099"]);
    }

    [Fact]
    public void Options_Validate_NamesTheBadSetting()
    {
        var options = new SecretSourceOptions { RefreshJitter = 1.5 };

        var ex = Assert.Throws<ArgumentException>(() => new SecretsManagerBuilder().AddStore(new InMemorySecretStore(), options));

        Assert.Contains(nameof(SecretSourceOptions.RefreshJitter), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyMappedKey_PlacesJsonFieldsAtRootOrUnderSection_AndRejectsPlainText()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("orders/production", """{"ConnectionStrings":{"Db":"c"},"Api:Key":"k"}""");

        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options(o => o.KeyMapper = SecretKeyMapper.Create(_ => string.Empty))));
        var (sectioned, _) = TestConfig.Build(time, (store, TestConfig.Options(o =>
        {
            o.KeyMapper = SecretKeyMapper.Create(_ => string.Empty);
            o.Section = "App";
        })));

        Assert.Equal("c", config["ConnectionStrings:Db"]);
        Assert.Equal("k", config["Api:Key"]);
        Assert.Equal("c", sectioned["App:ConnectionStrings:Db"]);

        var plain = new InMemorySecretStore("plain", time);
        plain.Set("token", "not-json");
        var ex = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (plain, TestConfig.Options(o => o.KeyMapper = SecretKeyMapper.Create(_ => string.Empty)))));
        Assert.Contains("must be a JSON object", ex.Message, StringComparison.Ordinal);
    }

    private sealed class LegacyPrefixMapper : SecretKeyMapper
    {
        public LegacyPrefixMapper()
            : base("--")
        {
        }

        public override string? GetKey(SecretMetadata secret) =>
            secret.Name.StartsWith("legacy_", StringComparison.Ordinal)
                ? "Mail:" + base.GetKey(secret with { ConfigurationKey = secret.Name["legacy_".Length..].Replace("--", ":", StringComparison.Ordinal) })
                : base.GetKey(secret);
    }
}
