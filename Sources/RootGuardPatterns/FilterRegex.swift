/// The regular expressions CloudWatch Logs accepts between `%…%` in a filter pattern, matched in time linear in the
/// text (a Thompson NFA run as a set of states, never backtracking).
///
/// A metric filter is written by anyone who may call `logs:PutMetricFilter`, so its regex is hostile input: with a
/// backtracking engine `%.*.*.*.*.*.*.*.*X%` stalled `audit` for 71 s. The syntax is the documented subset: letters,
/// digits and the symbols `: _ # = @ / ; , -`, the operators `^ $ ? [ ] { } | \ * + .`; no parentheses (so `|`
/// separates whole alternatives). Escapes `\d \D \w \W \s \S` and any escaped symbol are read as in other engines.
/// Matching is a search (the expression may match anywhere in the text) on Unicode scalars.
public struct FilterRegex: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    private let program: [Instruction]

    /// The largest program a pattern may compile to (`a{1000}{1000}` cannot exhaust memory).
    static let maxInstructions = 20_000

    public struct SyntaxError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public init(_ source: String) throws {
        self.source = source
        var compiler = Compiler(source: Array(source.unicodeScalars))
        program = try compiler.compile()
    }

    public var description: String { "%\(source)%" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    /// True when the expression matches somewhere in `text`. Costs at most (text length + 1) × program size steps.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var current = StateSet(capacity: program.count)
        var next = StateSet(capacity: program.count)
        var stack: [Int] = []
        stack.reserveCapacity(program.count)
        for position in 0...scalars.count {
            // A search: a new thread starts at every position.
            if addClosure(0, at: position, count: scalars.count, into: &current, stack: &stack) { return true }
            guard position < scalars.count, !current.isEmpty else {
                if position < scalars.count { continue }
                break
            }
            let scalar = scalars[position]
            next.clear()
            for pc in current.members {
                let advances: Bool
                switch program[pc] {
                case .scalar(let expected): advances = scalar == expected
                case .any: advances = true
                case .set(let set): advances = set.contains(scalar)
                default: advances = false
                }
                if advances, addClosure(pc + 1, at: position + 1, count: scalars.count, into: &next, stack: &stack) {
                    return true
                }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds `start` and every state reachable from it without consuming input; true when one of them is a match.
    private func addClosure(
        _ start: Int, at position: Int, count: Int, into set: inout StateSet, stack: inout [Int]
    ) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append(start)
        while let pc = stack.popLast() {
            guard set.insert(pc) else { continue }
            switch program[pc] {
            case .match: return true
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .start: if position == 0 { stack.append(pc + 1) }
            case .end: if position == count { stack.append(pc + 1) }
            case .scalar, .any, .set: break
            }
        }
        return false
    }

    enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        case any
        case set(ScalarSet)
        case split(Int, Int)
        case jump(Int)
        case start
        case end
        case match
    }

    struct ScalarSet: Sendable {
        var ranges: [ClosedRange<UInt32>] = []
        var negated = false

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            ranges.contains { $0.contains(scalar.value) } != negated
        }

        static let digit = ScalarSet(ranges: [0x30...0x39])
        static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5a, 0x5f...0x5f, 0x61...0x7a])
        static let space = ScalarSet(ranges: [0x09...0x0d, 0x20...0x20])
    }

    /// Program states as a sparse set: insertion, membership and clearing in constant time, members in order added.
    struct StateSet {
        private var dense: [Int]
        private var sparse: [Int]
        private(set) var count = 0

        init(capacity: Int) {
            dense = Array(repeating: 0, count: capacity)
            sparse = Array(repeating: 0, count: capacity)
        }

        var isEmpty: Bool { count == 0 }
        var members: ArraySlice<Int> { dense[0..<count] }

        mutating func insert(_ value: Int) -> Bool {
            let index = sparse[value]
            if index < count, dense[index] == value { return false }
            sparse[value] = count
            dense[count] = value
            count += 1
            return true
        }

        mutating func clear() { count = 0 }
    }

    /// Parses the documented syntax into a program: alternatives of quantified atoms.
    struct Compiler {
        let source: [Unicode.Scalar]
        var position = 0
        var program: [Instruction] = []

        enum Atom {
            case instruction(Instruction)
            case start
            case end
        }

        init(source: [Unicode.Scalar]) { self.source = source }

        mutating func compile() throws -> [Instruction] {
            guard !source.isEmpty else { throw SyntaxError(description: "empty regular expression") }
            // Without parentheses, `|` separates whole alternatives: each is compiled on its own (targets relative to
            // its start), then laid out as split(this, next) · alternative · jump(end) … last alternative · match.
            var alternatives: [[Instruction]] = []
            while true {
                program = []
                try compileSequence()
                alternatives.append(program)
                guard position < source.count, source[position] == "|" else { break }
                position += 1
            }
            let total = alternatives.reduce(0) { $0 + $1.count } + 2 * (alternatives.count - 1)
            guard total < FilterRegex.maxInstructions else {
                throw SyntaxError(description: "expands to more than \(FilterRegex.maxInstructions) states")
            }
            var laid: [Instruction] = []
            laid.reserveCapacity(total + 1)
            for (index, alternative) in alternatives.enumerated() {
                let isLast = index == alternatives.count - 1
                let base = laid.count + (isLast ? 0 : 1)
                if !isLast { laid.append(.split(base, base + alternative.count + 1)) }
                for instruction in alternative {
                    switch instruction {
                    case .jump(let target): laid.append(.jump(base + target))
                    case .split(let a, let b): laid.append(.split(base + a, base + b))
                    default: laid.append(instruction)
                    }
                }
                if !isLast { laid.append(.jump(total)) }
            }
            laid.append(.match)
            return laid
        }

        private mutating func compileSequence() throws {
            let begin = program.count
            while position < source.count, source[position] != "|" {
                let atom = try parseAtom()
                let (low, high) = try parseQuantifier()
                try emit(atom, low: low, high: high)
                guard program.count <= FilterRegex.maxInstructions else {
                    throw SyntaxError(description: "expands to more than \(FilterRegex.maxInstructions) states")
                }
            }
            if program.count == begin { throw SyntaxError(description: "empty alternative") }
        }

        private mutating func parseAtom() throws -> Atom {
            let c = source[position]
            position += 1
            switch c {
            case "^": return .start
            case "$": return .end
            case ".": return .instruction(.any)
            case "[": return .instruction(.set(try parseClass()))
            case "\\": return .instruction(try parseEscape())
            case "(", ")":
                throw SyntaxError(description: "parentheses are not supported in CloudWatch Logs regular expressions")
            case "*", "+", "?", "{":
                throw SyntaxError(description: "'\(c)' at position \(position) has nothing to repeat")
            case "]", "}":
                throw SyntaxError(description: "unmatched '\(c)' at position \(position)")
            default: return .instruction(.scalar(c))
            }
        }

        private mutating func parseEscape() throws -> Instruction {
            guard position < source.count else { throw SyntaxError(description: "trailing backslash") }
            let c = source[position]
            position += 1
            switch c {
            case "d": return .set(.digit)
            case "D": return .set(ScalarSet(ranges: ScalarSet.digit.ranges, negated: true))
            case "w": return .set(.word)
            case "W": return .set(ScalarSet(ranges: ScalarSet.word.ranges, negated: true))
            case "s": return .set(.space)
            case "S": return .set(ScalarSet(ranges: ScalarSet.space.ranges, negated: true))
            case "t": return .scalar("\t")
            case "n": return .scalar("\n")
            case "r": return .scalar("\r")
            default:
                guard !c.properties.isAlphabetic, !("0"..."9").contains(c) else {
                    throw SyntaxError(description: "unknown escape '\\\(c)'")
                }
                return .scalar(c)
            }
        }

        private mutating func parseClass() throws -> ScalarSet {
            var set = ScalarSet()
            if position < source.count, source[position] == "^" {
                set.negated = true
                position += 1
            }
            var first = true
            while true {
                guard position < source.count else { throw SyntaxError(description: "unterminated '['") }
                var c = source[position]
                if c == "]" && !first {
                    position += 1
                    return set
                }
                first = false
                position += 1
                if c == "\\" {
                    guard position < source.count else { throw SyntaxError(description: "trailing backslash") }
                    let escaped = source[position]
                    position += 1
                    switch escaped {
                    case "d": set.ranges += ScalarSet.digit.ranges
                    case "w": set.ranges += ScalarSet.word.ranges
                    case "s": set.ranges += ScalarSet.space.ranges
                    case "t": set.ranges.append(0x09...0x09)
                    case "n": set.ranges.append(0x0a...0x0a)
                    case "r": set.ranges.append(0x0d...0x0d)
                    default: set.ranges.append(escaped.value...escaped.value)
                    }
                    continue
                }
                if position + 1 < source.count, source[position] == "-", source[position + 1] != "]" {
                    var upper = source[position + 1]
                    position += 2
                    if upper == "\\", position < source.count {
                        upper = source[position]
                        position += 1
                    }
                    guard c.value <= upper.value else {
                        throw SyntaxError(description: "range '\(c)-\(upper)' is out of order")
                    }
                    set.ranges.append(c.value...upper.value)
                    c = upper
                    continue
                }
                set.ranges.append(c.value...c.value)
            }
        }

        /// `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}` or none; `high` nil for unbounded.
        private mutating func parseQuantifier() throws -> (Int, Int?) {
            guard position < source.count else { return (1, 1) }
            switch source[position] {
            case "*":
                position += 1
                return (0, nil)
            case "+":
                position += 1
                return (1, nil)
            case "?":
                position += 1
                return (0, 1)
            case "{":
                position += 1
                let low = try parseNumber()
                var high: Int? = low
                if position < source.count, source[position] == "," {
                    position += 1
                    high = position < source.count && source[position] != "}" ? try parseNumber() : nil
                }
                guard position < source.count, source[position] == "}" else {
                    throw SyntaxError(description: "'{' is not followed by {m}, {m,} or {m,n}")
                }
                position += 1
                if let high, high < low { throw SyntaxError(description: "{\(low),\(high)} is out of order") }
                return (low, high)
            default:
                return (1, 1)
            }
        }

        private mutating func parseNumber() throws -> Int {
            var value = 0
            var digits = 0
            while position < source.count, let digit = Int(String(source[position])),
                ("0"..."9").contains(source[position])
            {
                value = value * 10 + digit
                digits += 1
                position += 1
                guard value <= FilterRegex.maxInstructions else {
                    throw SyntaxError(description: "repetition count is too large")
                }
            }
            guard digits > 0 else { throw SyntaxError(description: "'{' is not followed by a number") }
            return value
        }

        private mutating func emit(_ atom: Atom, low: Int, high: Int?) throws {
            let instruction: Instruction
            switch atom {
            case .start:
                program.append(.start)
                return
            case .end:
                program.append(.end)
                return
            case .instruction(let value): instruction = value
            }
            guard low + (high ?? 1) <= FilterRegex.maxInstructions else {
                throw SyntaxError(description: "expands to more than \(FilterRegex.maxInstructions) states")
            }
            for _ in 0..<low { program.append(instruction) }
            if let high {
                // Each optional copy: split(take it, skip to the end of the optional copies).
                var splits: [Int] = []
                for _ in low..<high {
                    splits.append(program.count)
                    program.append(.match)
                    program.append(instruction)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                // Zero or more further copies: a loop.
                let split = program.count
                program.append(.match)
                program.append(instruction)
                program.append(.jump(split))
                program[split] = .split(split + 1, program.count)
            }
        }
    }
}
