/// `1 detection`, `2 detections`, `3 identities`: the one pluraliser of rootguard's messages.
public func plural(_ count: Int, _ noun: String) -> String {
    guard count != 1 else { return "\(count) \(noun)" }
    if noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) {
        return "\(count) \(noun.dropLast())ies"
    }
    return "\(count) \(noun)s"
}
