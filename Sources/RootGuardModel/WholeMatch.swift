import Foundation

extension StringProtocol {
    /// Whether the whole text matches `pattern` (an ICU regular expression). Unlike `range(of:options:)` with `^…$`,
    /// a trailing line break is not allowed through (ICU's `$` also matches before a final line terminator).
    public func matchesWhole(_ pattern: String) -> Bool {
        guard let match = range(of: pattern, options: .regularExpression) else { return false }
        return match.lowerBound == startIndex && match.upperBound == endIndex
    }
}
