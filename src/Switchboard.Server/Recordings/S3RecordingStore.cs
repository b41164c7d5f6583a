using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Switchboard.Server.Recordings;

/// <summary>
/// Recordings in an S3-compatible bucket. Uploads are sent unchunked and checksums only when required: with the
/// SDK's default aws-chunked signing, s3rver stores the chunk framing inside the object (DEPENDENCIES.md), and this
/// setting works with MinIO and AWS as well.
/// </summary>
public sealed class S3RecordingStore : IRecordingStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3RecordingOptions _options;
    private readonly TimeSpan _presignedLifetime;
    private readonly Protocol _protocol;

    public S3RecordingStore(S3RecordingOptions options, TimeSpan presignedLifetime)
    {
        _options = options;
        _presignedLifetime = presignedLifetime;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            AuthenticationRegion = options.Region,
            MaxErrorRetry = 0,
        };
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        _protocol = options.ServiceUrl?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS;
        _client = string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey ?? ""), config);
    }

    public async Task StoreAsync(string sourcePath, RecordingObject recording, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = recording.Key,
            FilePath = sourcePath,
            ContentType = recording.ContentType,
            UseChunkEncoding = false,
        };
        request.Metadata.Add("call", recording.CallUuid);
        request.Metadata.Add("tenant", recording.TenantId.ToString());
        await _client.PutObjectAsync(request, cancellationToken);
    }

    public async Task<RecordingDownload> GetDownloadAsync(string key, string contentType, CancellationToken cancellationToken)
    {
        string url = await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Protocol = _protocol,
            // The SDK signs with the machine clock, so the expiry is on that clock too.
            Expires = DateTime.UtcNow.Add(_presignedLifetime),
        });
        return new RecordingDownload(new Uri(url), null, contentType);
    }

    public void Dispose() => _client.Dispose();
}
