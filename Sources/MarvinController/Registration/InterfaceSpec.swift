import MarvinCore

/// A validated element of an `interfaces` list: registration and admin replacement (§4.5).
struct InterfaceSpec: Sendable {
    var iccid: String
    var imei: String?
    var mccmnc: String?
    var operatorName: String?
    var quota: Int64?

    enum Invalid: Error {
        case notInterfaceObjects
        case duplicate(String)

        var message: String {
            switch self {
            case .notInterfaceObjects: return "Parameter interfaces must be a list of interface objects."
            case .duplicate(let iccid): return "Duplicate interface (\(iccid))."
            }
        }
    }

    /// Validates an `interfaces` list.
    static func list(from value: JSONValue) throws(Invalid) -> [InterfaceSpec] {
        guard case .array(let items) = value else { throw .notInterfaceObjects }
        var specs: [InterfaceSpec] = []
        var seen = Set<String>()
        for item in items {
            guard case .object(let object) = item, case .string(let iccid)? = object["iccid"], !iccid.isEmpty, iccid.count <= 32
            else { throw .notInterfaceObjects }
            func text(_ key: String) throws(Invalid) -> String? {
                guard let value = object[key] else { return nil }
                guard case .string(let s) = value else { throw .notInterfaceObjects }
                return s
            }
            var quota: Int64?
            if let raw = object["quota"] {
                guard let q = raw.integerValue, q >= 0 else { throw .notInterfaceObjects }
                quota = q
            }
            let spec = InterfaceSpec(iccid: iccid, imei: try text("imei"), mccmnc: try text("mccmnc"), operatorName: try text("operator"), quota: quota)
            guard seen.insert(iccid).inserted else { throw .duplicate(iccid) }
            specs.append(spec)
        }
        return specs
    }
}
