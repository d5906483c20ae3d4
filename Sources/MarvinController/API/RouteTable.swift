/// The route table of §2.2: which paths exist and which methods each allows.
/// Routing is ours rather than the framework's because the protocol fixes 404 versus 405,
/// the `Allow` header per route and the trailing-slash rule exactly.
enum RouteID: String, Sendable, CaseIterable {
    case version = "R1", metrics = "R2", openAPI = "R3"
    case resources = "R4", resource = "R5", resourceSchedules = "R6", resourceExperiments = "R7", resourceAll = "R8"
    case resourceJournals = "R9", resourceInterfaceJournals = "R10"
    case users = "R11", user = "R12", userSchedules = "R13", userExperiments = "R14", userJournals = "R15"
    case experiments = "R16", experiment = "R17", experimentSchedules = "R18", experimentSchedule = "R19", experimentMerge = "R20"
    case schedules = "R21", scheduleFind = "R22", schedule = "R23"
    case backendAuth = "R24", backendActivity = "R25", backendPubkeys = "R26", backendSync = "R27", backendOther = "R28"
}

struct RouteMatch: Sendable {
    var id: RouteID
    /// The path template as written in the OpenAPI document, e.g. `/v1/schedules/{schedid}`.
    var template: String
    /// Values of the `{…}` segments in order; for R28 the rest of the path.
    var parameters: [String]
    var allowed: [String]
}

enum RouteTable {
    private enum Element {
        case literal(String)
        case parameter(String)
    }

    private struct Entry {
        var id: RouteID
        var elements: [Element]
        var allowed: [String]
    }

    private static let readOnly = ["GET", "HEAD"]

    /// Ordered so that literal segments win over parameters (`find` before `{schedid}`).
    private static let entries: [Entry] = {
        func path(_ text: String) -> [Element] {
            text.split(separator: "/").map { $0.hasPrefix("{") ? .parameter(String($0.dropFirst().dropLast())) : .literal(String($0)) }
        }
        var list: [Entry] = [
            Entry(id: .version, elements: path("/version"), allowed: readOnly),
            Entry(id: .metrics, elements: path("/metrics"), allowed: readOnly),
            Entry(id: .openAPI, elements: path("/v1/openapi.json"), allowed: readOnly),
            Entry(id: .resources, elements: path("/v1/resources"), allowed: ["GET", "HEAD", "POST", "PUT"]),
            Entry(id: .resource, elements: path("/v1/resources/{nodeid}"), allowed: ["GET", "HEAD", "PUT", "DELETE"]),
            Entry(id: .resourceSchedules, elements: path("/v1/resources/{nodeid}/schedules"), allowed: readOnly),
            Entry(id: .resourceExperiments, elements: path("/v1/resources/{nodeid}/experiments"), allowed: readOnly),
            Entry(id: .resourceAll, elements: path("/v1/resources/{nodeid}/all"), allowed: readOnly),
            Entry(id: .resourceJournals, elements: path("/v1/resources/{nodeid}/journals"), allowed: readOnly),
            Entry(id: .resourceInterfaceJournals, elements: path("/v1/resources/{nodeid}/journals/{iccid}"), allowed: readOnly),
            Entry(id: .users, elements: path("/v1/users"), allowed: ["GET", "HEAD", "POST", "PUT", "DELETE"]),
            Entry(id: .user, elements: path("/v1/users/{userid}"), allowed: ["GET", "HEAD", "PUT", "DELETE"]),
            Entry(id: .userSchedules, elements: path("/v1/users/{userid}/schedules"), allowed: readOnly),
            Entry(id: .userExperiments, elements: path("/v1/users/{userid}/experiments"), allowed: readOnly),
            Entry(id: .userJournals, elements: path("/v1/users/{userid}/journals"), allowed: readOnly),
            Entry(id: .experiments, elements: path("/v1/experiments"), allowed: ["GET", "HEAD", "POST", "PUT", "DELETE"]),
            Entry(id: .experiment, elements: path("/v1/experiments/{expid}"), allowed: ["GET", "HEAD", "PUT", "DELETE"]),
        ]
        for word in ["schedules", "schedule"] {
            list.append(Entry(id: .experimentSchedules, elements: path("/v1/experiments/{expid}/\(word)"), allowed: readOnly))
            list.append(Entry(id: .experimentSchedule, elements: path("/v1/experiments/{expid}/\(word)/{schedid}"), allowed: readOnly))
        }
        list += [
            Entry(id: .experimentMerge, elements: path("/v1/experiments/{into}/{from}"), allowed: ["PUT"]),
            Entry(id: .schedules, elements: path("/v1/schedules"), allowed: ["GET", "HEAD", "PUT"]),
            Entry(id: .scheduleFind, elements: path("/v1/schedules/find"), allowed: readOnly),
            Entry(id: .schedule, elements: path("/v1/schedules/{schedid}"), allowed: ["GET", "HEAD", "PUT"]),
            Entry(id: .backendAuth, elements: path("/v1/backend/auth"), allowed: readOnly),
            Entry(id: .backendActivity, elements: path("/v1/backend/activity"), allowed: readOnly),
            Entry(id: .backendPubkeys, elements: path("/v1/backend/pubkeys"), allowed: readOnly),
            Entry(id: .backendSync, elements: path("/v1/backend/sync"), allowed: ["PUT"]),
        ]
        return list
    }()

    private static func template(of entry: Entry) -> String {
        "/" + entry.elements.map { element in
            switch element {
            case .literal(let s): return s
            case .parameter(let name): return "{\(name)}"
            }
        }.joined(separator: "/")
    }

    /// Matches a raw (percent-encoded) request path. `metricsOnAPI` decides whether R2 exists.
    static func match(path rawPath: String, metricsOnAPI: Bool) -> RouteMatch? {
        var path = Parameters.formDecodePath(rawPath)
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard path.hasPrefix("/") else { return nil }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.contains(where: \.isEmpty) { return nil }
        for entry in entries where entry.elements.count == segments.count {
            if entry.id == .metrics, !metricsOnAPI { continue }
            var parameters: [String] = []
            var matched = true
            for (element, segment) in zip(entry.elements, segments) {
                switch element {
                case .literal(let s): if s != segment { matched = false }
                case .parameter: parameters.append(segment)
                }
                if !matched { break }
            }
            if matched {
                return RouteMatch(id: entry.id, template: template(of: entry), parameters: parameters, allowed: entry.allowed)
            }
        }
        if segments.count >= 3, segments[0] == "v1", segments[1] == "backend" {
            return RouteMatch(
                id: .backendOther, template: "/v1/backend/{other}", parameters: [segments.dropFirst(2).joined(separator: "/")],
                allowed: ["GET", "HEAD", "PUT"])
        }
        return nil
    }
}

extension Parameters {
    /// Percent-decoding of a path (no `+` rule: that belongs to forms only).
    static func formDecodePath(_ path: String) -> String {
        formDecode(Substring(path.replacingOccurrences(of: "+", with: "%2B")))
    }
}
