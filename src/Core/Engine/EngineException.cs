namespace SandboxBuild.Engine;

/// <summary>
/// The engine refused a request or went away in the middle of one. An <see cref="IOException"/>, so every
/// place that treats a broken stream as "the sandbox went away" treats this the same way; the Docker
/// client's own exception types never leave this folder.
/// </summary>
public sealed class EngineException(string message, Exception? inner = null) : IOException(message, inner)
{
    public static async Task<T> Wrap<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or HttpRequestException or TimeoutException)
        {
            throw new EngineException($"{what}: {Describe(e)}", e);
        }
    }

    public static async Task Wrap(Func<Task> call, string what) => await Wrap(async () =>
    {
        await call();
        return true;
    }, what);

    internal static string Describe(Exception e) => e is Docker.DotNet.DockerApiException api
        ? $"{(int)api.StatusCode} {(api.ResponseBody ?? "").Split('\n', 2)[0].Trim()}"
        : e.Message;
}
