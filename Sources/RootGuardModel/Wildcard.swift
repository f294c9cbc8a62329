/// `*` any run, `?` one character: IAM's wildcards (policy actions and resources, StringLike, approvals).
public enum Wildcard {
    public static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool) -> Bool {
        let p = Array(caseInsensitive ? pattern.lowercased() : pattern)
        let t = Array(caseInsensitive ? text.lowercased() : text)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
