using System.Text.Json.Nodes;

namespace AciTrace.Lab.Api;

/// <summary>Kubernetes <c>Status</c> failures as the API server writes them.</summary>
internal static class KubeStatus
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static JsonObject NotFound(string qualifiedResource, string plural, string group, string name) =>
        Failure(404, "NotFound", $"{qualifiedResource} \"{name}\" not found", Details(name, group, plural));

    public static JsonObject Forbidden(string user, string verb, string plural, string? subresource, string group, string? ns, string? name)
    {
        string resource = subresource is null ? plural : $"{plural}/{subresource}";
        string qualified = group.Length == 0 ? plural : $"{plural}.{group}";
        string subject = name is null ? qualified : $"{qualified} \"{name}\"";
        string scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        return Failure(403, "Forbidden",
            $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}",
            Details(name, group, plural));
    }

    public static JsonObject Unauthorized() => Failure(401, "Unauthorized", "Unauthorized");

    public static JsonObject BadRequest(string message) => Failure(400, "BadRequest", message);

    public static JsonObject PathNotFound() => Failure(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static JsonObject MethodNotAllowed(string method) =>
        Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method} is not served by the ACI lab, which is read-only)", new JsonObject());

    public static JsonObject ForCode(int code, string message) => code switch
    {
        400 => Failure(code, "BadRequest", message),
        401 => Failure(code, "Unauthorized", message),
        403 => Failure(code, "Forbidden", message),
        404 => Failure(code, "NotFound", message),
        409 => Failure(code, "Conflict", message),
        429 => Failure(code, "TooManyRequests", message),
        503 => Failure(code, "ServiceUnavailable", message),
        504 => Failure(code, "Timeout", message),
        _ => Failure(code, "InternalError", message, new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) }),
    };

    private static JsonObject Details(string? name, string group, string kind)
    {
        var d = new JsonObject();
        if (name is not null) d["name"] = name;
        if (group.Length > 0) d["group"] = group;
        d["kind"] = kind;
        return d;
    }
}
