import Foundation

/// The progress line of long scans (`trail`), drawn over itself on stderr.
public enum ProgressRenderer {
    public static func line(bytes: Int, total: Int?, seconds: Double) -> String {
        let rate = Double(bytes) / max(seconds, 0.001) / 1e6
        var line = String(format: "scanning %.0f MB read, %.0f MB/s", Double(bytes) / 1e6, rate)
        if let total, total > 0 {
            let fraction = min(1, Double(bytes) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            line =
                "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                + String(format: "%3.0f%% ", fraction * 100) + line
        }
        return line + "\u{1B}[K"
    }
}
