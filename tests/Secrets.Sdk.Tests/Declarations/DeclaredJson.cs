using System.Text;
using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk.Tests.Declarations;

/// <summary>Builds an in-memory configuration from a JSON text, as <c>appsettings.json</c> would.</summary>
internal static class DeclaredJson
{
    public static IConfigurationRoot Load(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    public static IConfigurationSection Section(string json, string name = "SecretsManager") => Load(json).GetSection(name);
}
