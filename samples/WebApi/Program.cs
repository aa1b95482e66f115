// Secrets.Sdk in an ASP.NET Core minimal API: sources declared in appsettings.json ("SecretsManager"), a connection
// factory rebuilt on IOptionsMonitor.OnChange, GET /health and GET /secrets/status. See README.md for a rotation.
//
//   dotnet run --project samples/WebApi                 serves http://127.0.0.1:5080 (set Urls or ASPNETCORE_URLS to move it)
using WebApi;

var builder = WebApplication.CreateBuilder(args);
var secrets = builder.Configuration.GetSection("SecretsManager");
var seeded = DemoSecrets.EnsureExists(secrets["Sources:0:Path"] ?? "demo-secrets");

builder.AddSecretsManager(secrets);                       // every source declared in appsettings.json
builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
builder.Services.AddSingleton<ConnectionFactory>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));

var app = builder.Build();
if (seeded)
{
    Log.Seeded(app.Logger, Path.GetFullPath(secrets["Sources:0:Path"] ?? "demo-secrets"));
}

app.MapHealthChecks("/health");                           // the "secrets" check AddSecretsManager registered
app.MapSecretsStatus();                                   // GET /secrets/status; in production add .RequireAuthorization(...)
app.MapGet("/database", (ConnectionFactory factory) =>
{
    var pool = factory.Current;
    return new DatabaseView(pool.Generation, pool.BuiltAt, pool.Host, pool.Username, pool.PasswordFingerprint);
});

app.Run();
