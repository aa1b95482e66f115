using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// Dynamic secrets (any endpoint answering <c>lease_id</c>, <c>lease_duration</c>, <c>renewable</c>, <c>data</c>, such as
/// <c>database/creds/…</c>): each read issues a new credential; leases are renewed and revoked through
/// <c>sys/leases/renew</c> and <c>sys/leases/revoke</c>. The engine never re-reads them on a poll; its lease manager
/// rotates them before expiry.
/// </summary>
/// <remarks>https://developer.hashicorp.com/vault/api-docs/system/leases.</remarks>
internal sealed class VaultDynamicSecretStore : ILeasedSecretStore
{
    private readonly VaultConnection _connection;
    private readonly IReadOnlyList<VaultDynamicSecret> _secrets;
    private readonly TimeProvider _time;

    public VaultDynamicSecretStore(VaultConnection connection, IReadOnlyList<VaultDynamicSecret> secrets, TimeProvider time)
    {
        _connection = connection;
        _secrets = secrets;
        _time = time;
        Name = "vault:dynamic(" + string.Join(",", secrets.Select(s => s.Path)) + ")";
    }

    public string Name { get; }

    public int MaxBatchSize => 1;

    public ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SecretMetadata> list = _secrets.Select(s => new SecretMetadata(s.Path)
        {
            Version = "dynamic",
            Leased = true,
            ContentType = "application/json",
            ConfigurationKey = s.Section ?? s.Path.Replace('/', ':'),
        }).ToArray();
        return new ValueTask<IReadOnlyList<SecretMetadata>>(list);
    }

    public async ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        var results = new List<SecretReadResult>(secrets.Count);
        foreach (var requested in secrets)
        {
            try
            {
                var operation = new BackendOperation("GET " + requested.Name, requested.Name);
                var response = await _connection.Client.SendAsync(HttpMethod.Get, requested.Name, null, VaultStoreJsonContext.Default.VaultSecretResponse, cancellationToken, secretName: requested.Name).ConfigureAwait(false);
                if (response!.LeaseId is not { Length: > 0 } leaseId)
                {
                    throw _connection.Client.Http.InvalidResponse(operation, "returned no lease_id; it is not a dynamic secret");
                }

                var value = _connection.Client.Http.ReadSecretJson(response.Data, operation, "data");
                var lease = new SecretLease(leaseId, _time.GetUtcNow(), TimeSpan.FromSeconds(Math.Max(0, response.LeaseDuration)), response.Renewable);
                results.Add(SecretReadResult.Success(requested, new Secret(requested, value, lease)));
            }
            catch (SecretStoreException ex) when (!ex.IsTransient)
            {
                results.Add(SecretReadResult.Failure(requested, ex));
            }
        }

        return results;
    }

    public async ValueTask<SecretLease> RenewLeaseAsync(SecretLease lease, TimeSpan increment, CancellationToken cancellationToken)
    {
        var body = VaultClient.Json(new VaultLeaseRequest { LeaseId = lease.LeaseId, Increment = (long)increment.TotalSeconds }, VaultStoreJsonContext.Default.VaultLeaseRequest);
        var response = await _connection.Client.SendAsync(HttpMethod.Put, "sys/leases/renew", body, VaultStoreJsonContext.Default.VaultLeaseRenewResponse, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(response!.LeaseId))
        {
            throw _connection.Client.Http.MissingField(new BackendOperation("PUT sys/leases/renew"), "lease_id");
        }

        return lease with { IssuedAt = _time.GetUtcNow(), Duration = TimeSpan.FromSeconds(Math.Max(0, response.LeaseDuration)), Renewable = response.Renewable };
    }

    public async ValueTask RevokeLeaseAsync(SecretLease lease, CancellationToken cancellationToken)
    {
        var body = VaultClient.Json(new VaultLeaseRequest { LeaseId = lease.LeaseId }, VaultStoreJsonContext.Default.VaultLeaseRequest);
        await _connection.Client.SendAsync(HttpMethod.Put, "sys/leases/revoke", body, VaultStoreJsonContext.Default.VaultLeaseRenewResponse, cancellationToken, allowNoContent: true).ConfigureAwait(false);
    }

}
