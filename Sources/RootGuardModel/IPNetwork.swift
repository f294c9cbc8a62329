#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// IPv4 and IPv6 addresses and CIDR blocks (EventBridge `cidr`, IAM `IpAddress`).
public enum IPNetwork {
    /// Whether `address` lies in `block` (`10.0.0.0/24`, `2001:db8::/32`; a bare address is a single host).
    public static func contains(block: String, address: String) -> Bool {
        let cidr = block.contains("/") ? block : (block.contains(":") ? "\(block)/128" : "\(block)/32")
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]), let network = bytes(String(parts[0])),
            let host = bytes(address),
            network.count == host.count, bits <= network.count * 8
        else { return false }
        var remaining = bits
        for index in network.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> take)
            if network[index] & mask != host[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    /// The address's bytes (4 or 16), or nil when it is not an IP address.
    public static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
