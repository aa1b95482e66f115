namespace Secrets.Sdk;

/// <summary>One secret's read: the value, or why it could not be read.</summary>
/// <param name="Requested">The metadata the read was asked for.</param>
/// <param name="Secret">The secret, when the read succeeded.</param>
/// <param name="Error">The failure, when it did not.</param>
internal sealed record SecretReadOutcome(SecretMetadata Requested, Secret? Secret, Exception? Error);
