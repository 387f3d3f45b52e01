import Foundation
import Glibc

/// A network namespace of a test's own, joined to the host by a veth pair: a program run in it
/// (``launcher``) reaches the host at ``hostAddress`` and nothing else, as a crawler host on its
/// own network would, and ``partition()`` cuts the link the way a network failure does (no
/// reset: packets just stop). Needs root and iproute2's `ip`; ``isAvailable`` says whether this
/// machine allows it.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String
    /// The host's end of the link, where a server for the namespace listens.
    public let hostAddress: String
    /// The namespace's end.
    public let address: String
    private let hostLink: String
    private static let ip = "/usr/sbin/ip"

    /// Whether network namespaces can be made here: root, `ip`, and a probe namespace made and
    /// removed.
    public static let isAvailable: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: ip) else { return false }
        let probe = "ingestd-probe-\(getpid())"
        guard (try? runCommand(ip, ["netns", "add", probe])) != nil else { return false }
        return (try? runCommand(ip, ["netns", "del", probe])) != nil
    }()

    /// Namespace `index` (1…250) of this process, on 10.213.`index`.0/24.
    public init(index: Int) throws {
        let tag = "\(getpid() % 100_000)x\(index)"
        name = "ingestd-\(tag)"
        hostLink = "ig\(tag)h"
        hostAddress = "10.213.\(index).1"
        address = "10.213.\(index).2"
        let nsLink = "ig\(tag)n"
        try Self.run(["netns", "add", name])
        do {
            try Self.run(["link", "add", hostLink, "type", "veth", "peer", "name", nsLink])
            try Self.run(["link", "set", nsLink, "netns", name])
            try Self.run(["addr", "add", hostAddress + "/24", "dev", hostLink])
            try Self.run(["link", "set", hostLink, "up"])
            try Self.run(["netns", "exec", name, Self.ip, "addr", "add", address + "/24", "dev", nsLink])
            try Self.run(["netns", "exec", name, Self.ip, "link", "set", nsLink, "up"])
            try Self.run(["netns", "exec", name, Self.ip, "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// Runs a program inside the namespace: put this before its path and arguments.
    public var launcher: [String] { [Self.ip, "netns", "exec", name] }

    /// Cuts the link: packets stop, connections stay open and silent.
    public func partition() throws { try Self.run(["link", "set", hostLink, "down"]) }

    /// Restores the link.
    public func heal() throws { try Self.run(["link", "set", hostLink, "up"]) }

    private func remove() {
        // Deleting the namespace deletes its end of the pair, and with it the host's end.
        try? Self.run(["netns", "del", name])
        if FileManager.default.fileExists(atPath: "/sys/class/net/\(hostLink)") { try? Self.run(["link", "del", hostLink]) }
    }

    private static func run(_ arguments: [String]) throws {
        try runCommand(ip, arguments)
    }
}
