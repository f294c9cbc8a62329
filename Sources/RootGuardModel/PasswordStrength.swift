import Foundation

/// How many guesses an attacker who knows how people choose passwords needs, estimated as zxcvbn (Dropbox's
/// estimator, USENIX Security 2016) does: the password is covered by the sequence of patterns — ranked dictionary
/// words (common passwords, English words, names, surnames, TV and film; reversed, capitalised or with l33t
/// substitutions), keyboard walks, repeats, sequences, years and dates, and brute force for the rest — that minimises
/// `l! × Π guesses + 10000^(l−1)`. The word lists and keyboard graphs are zxcvbn's own (generated from its PyPI
/// package, MIT licence). Checked against the `zxcvbn` Python package as an oracle in the test suite.
public enum PasswordStrength {
    /// The estimate: guesses, zxcvbn's 0–4 score, and the patterns that make it guessable.
    public struct Estimate: Sendable, Hashable {
        public var guesses: Double
        public var guessesLog10: Double { log10(max(guesses, 1)) }
        /// 0 too guessable (< 10³), 1 very guessable (< 10⁶), 2 somewhat (< 10⁸), 3 safely unguessable (< 10¹⁰),
        /// 4 very unguessable.
        public var score: Int
        /// The weak patterns found, one sentence each (dictionary words, keyboard walks, repeats, sequences, dates).
        public var weaknesses: [String]
    }

    public static func estimate(_ password: String, userInputs: [String] = []) -> Estimate {
        let scalars = Array(password.unicodeScalars)
        var dictionaries = Self.dictionaries
        if !userInputs.isEmpty {
            var ranked: [String: Int] = [:]
            for (index, input) in userInputs.enumerated() where ranked[input.lowercased()] == nil {
                ranked[input.lowercased()] = index + 1
            }
            dictionaries.append(("user_inputs", ranked))
        }
        let matcher = Matcher(dictionaries: dictionaries)
        let (guesses, sequence) = Scorer.mostGuessable(scalars, matcher.omnimatch(scalars))
        return Estimate(guesses: guesses, score: score(guesses), weaknesses: sequence.compactMap(\.weakness))
    }

    static func score(_ guesses: Double) -> Int {
        if guesses < 1e3 + 5 { return 0 }
        if guesses < 1e6 + 5 { return 1 }
        if guesses < 1e8 + 5 { return 2 }
        if guesses < 1e10 + 5 { return 3 }
        return 4
    }

    // MARK: data

    static let dictionaries: [(name: String, ranked: [String: Int])] = PasswordWordLists.lists.map { list in
        var ranked: [String: Int] = [:]
        var rank = 0
        for word in list.words.split(separator: "\n", omittingEmptySubsequences: true) {
            rank += 1
            if ranked[String(word)] == nil { ranked[String(word)] = rank }
        }
        return (list.name, ranked)
    }

    static let longestListWord = dictionaries.flatMap { $0.ranked.keys.map(\.unicodeScalars.count) }.max() ?? 0

    /// Graph name → key → neighbours by direction (nil where there is no key).
    static let graphs: [(name: String, adjacency: [Unicode.Scalar: [String?]])] = PasswordWordLists.graphs.map {
        graph in
        var adjacency: [Unicode.Scalar: [String?]] = [:]
        for line in graph.lines.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let key = fields.first?.unicodeScalars.first else { continue }
            adjacency[key] = fields.dropFirst().map { $0.isEmpty ? nil : $0 }
        }
        return (graph.name, adjacency)
    }

    static func averageDegree(_ name: String) -> Double {
        guard let graph = graphs.first(where: { $0.name == name })?.adjacency, !graph.isEmpty else { return 0 }
        let total = graph.values.reduce(0) { $0 + $1.filter { $0 != nil }.count }
        return Double(total) / Double(graph.count)
    }

    static let keyboardDegree = averageDegree("qwerty")
    static let keypadDegree = averageDegree("keypad")
    static let keyboardStarts = Double(graphs.first { $0.name == "qwerty" }?.adjacency.count ?? 0)
    static let keypadStarts = Double(graphs.first { $0.name == "keypad" }?.adjacency.count ?? 0)

    static let l33tTable: [(letter: Unicode.Scalar, subs: [Unicode.Scalar])] = [
        ("a", ["4", "@"]), ("b", ["8"]), ("c", ["(", "{", "[", "<"]), ("e", ["3"]), ("g", ["6", "9"]),
        ("i", ["1", "!", "|"]), ("l", ["1", "|", "7"]), ("o", ["0"]), ("s", ["$", "5"]), ("t", ["+", "7"]),
        ("x", ["%"]), ("z", ["2"]),
    ]

    static let referenceYear = 2017
    static let minYearSpace = 20

    // MARK: matches

    struct Match {
        enum Pattern {
            case dictionary(
                rank: Int, name: String, word: String, reversed: Bool, sub: [(Unicode.Scalar, Unicode.Scalar)])
            case spatial(graph: String, turns: Int, shifted: Int)
            case repeated(baseGuesses: Double, count: Int, base: String)
            case sequence(ascending: Bool)
            case recentYear(year: Int)
            case date(year: Int, separator: Bool)
            case bruteforce
        }
        var pattern: Pattern
        var i: Int
        var j: Int
        var token: [Unicode.Scalar]

        var text: String { String(String.UnicodeScalarView(token)) }

        var weakness: String? {
            switch pattern {
            case .dictionary(let rank, let name, let word, let reversed, let sub):
                let list =
                    switch name {
                    case "passwords": "a common password"
                    case "english_wikipedia": "an English word"
                    case "female_names", "male_names": "a first name"
                    case "surnames": "a surname"
                    case "us_tv_and_film": "a word from TV and film"
                    default: "a word about you"
                    }
                return
                    "'\(word)' is \(list) (rank \(rank))\(reversed ? ", reversed" : "")\(sub.isEmpty ? "" : ", with l33t substitutions")"
            case .spatial(let graph, _, _): return "'\(text)' is a walk on the \(graph) keyboard"
            case .repeated(_, let count, let base): return "'\(base)' repeated \(count) times"
            case .sequence: return "'\(text)' is a sequence"
            case .recentYear: return "'\(text)' is a recent year"
            case .date: return "'\(text)' is a date"
            case .bruteforce: return nil
            }
        }
    }

    struct Matcher {
        let dictionaries: [(name: String, ranked: [String: Int])]

        func omnimatch(_ password: [Unicode.Scalar]) -> [Match] {
            var matches: [Match] = []
            matches += dictionaryMatch(password)
            matches += reverseDictionaryMatch(password)
            matches += l33tMatch(password)
            matches += spatialMatch(password)
            matches += repeatMatch(password)
            matches += sequenceMatch(password)
            matches += yearMatch(password)
            matches += dateMatch(password)
            return matches.enumerated().sorted {
                ($0.element.i, $0.element.j, $0.offset) < ($1.element.i, $1.element.j, $1.offset)
            }
            .map(\.element)
        }

        static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
            String(String.UnicodeScalarView(scalars))
        }

        /// Lower-cased per scalar (as Python's str.lower keeps positions for these lists' letters).
        static func lower(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
            scalars.map { scalar in
                let lowered = String(scalar).lowercased().unicodeScalars
                return lowered.count == 1 ? lowered.first! : scalar
            }
        }

        /// The longest word any dictionary holds: a longer substring cannot match (the results are zxcvbn's, the
        /// work linear in the password's length instead of quadratic).
        var longestWord: Int {
            dictionaries.map { $0.name == "user_inputs" ? ($0.ranked.keys.map(\.unicodeScalars.count).max() ?? 0) : 0 }
                .max().map { max($0, PasswordStrength.longestListWord) } ?? PasswordStrength.longestListWord
        }

        func dictionaryMatch(_ password: [Unicode.Scalar]) -> [Match] {
            var matches: [Match] = []
            let lowered = Self.lower(password)
            let n = password.count
            let longest = longestWord
            for (name, ranked) in dictionaries {
                for i in 0..<n {
                    var word = ""
                    for j in i..<min(n, i + longest) {
                        word.unicodeScalars.append(lowered[j])
                        if let rank = ranked[word] {
                            matches.append(
                                Match(
                                    pattern: .dictionary(rank: rank, name: name, word: word, reversed: false, sub: []),
                                    i: i, j: j, token: Array(password[i...j])))
                        }
                    }
                }
            }
            return matches
        }

        func reverseDictionaryMatch(_ password: [Unicode.Scalar]) -> [Match] {
            let n = password.count
            return dictionaryMatch(password.reversed()).map { match in
                var match = match
                if case .dictionary(let rank, let name, let word, _, let sub) = match.pattern {
                    match.pattern = .dictionary(rank: rank, name: name, word: word, reversed: true, sub: sub)
                }
                match.token = match.token.reversed()
                (match.i, match.j) = (n - 1 - match.j, n - 1 - match.i)
                return match
            }
        }

        /// Every consistent way to read the password's l33t characters as letters (zxcvbn's enumeration).
        static func l33tSubs(_ password: [Unicode.Scalar]) -> [[(Unicode.Scalar, Unicode.Scalar)]] {
            let present = Set(password)
            let table = l33tTable.compactMap { entry -> (Unicode.Scalar, [Unicode.Scalar])? in
                let subs = entry.subs.filter(present.contains)
                return subs.isEmpty ? nil : (entry.letter, subs)
            }
            var subs: [[(Unicode.Scalar, Unicode.Scalar)]] = [[]]  // (l33t character, letter)
            for (letter, characters) in table {
                var next: [[(Unicode.Scalar, Unicode.Scalar)]] = []
                for character in characters {
                    for sub in subs {
                        if let index = sub.firstIndex(where: { $0.0 == character }) {
                            var alternative = sub
                            alternative.remove(at: index)
                            alternative.append((character, letter))
                            next.append(sub)
                            next.append(alternative)
                        } else {
                            next.append(sub + [(character, letter)])
                        }
                    }
                }
                var seen = Set<String>()
                subs = next.filter { sub in
                    let label = sub.map { "\($0.1),\($0.0)" }.sorted().joined(separator: "-")
                    return seen.insert(label).inserted
                }
            }
            return subs
        }

        func l33tMatch(_ password: [Unicode.Scalar]) -> [Match] {
            var matches: [Match] = []
            for sub in Self.l33tSubs(password) {
                if sub.isEmpty { break }
                let map = Dictionary(sub, uniquingKeysWith: { first, _ in first })
                let subbed = password.map { map[$0] ?? $0 }
                for match in dictionaryMatch(subbed) {
                    let token = Array(password[match.i...match.j])
                    guard case .dictionary(let rank, let name, let word, _, _) = match.pattern,
                        Self.string(Self.lower(token)[...]) != word
                    else { continue }
                    let used = sub.filter { token.contains($0.0) }
                    var found = match
                    found.token = token
                    found.pattern = .dictionary(rank: rank, name: name, word: word, reversed: false, sub: used)
                    matches.append(found)
                }
            }
            return matches.filter { $0.token.count > 1 }
        }

        static let shifted = Set("~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>?".unicodeScalars)

        func spatialMatch(_ password: [Unicode.Scalar]) -> [Match] {
            var matches: [Match] = []
            for (name, graph) in PasswordStrength.graphs {
                var i = 0
                while i < password.count - 1 {
                    var j = i + 1
                    var lastDirection: Int?
                    var turns = 0
                    var shiftedCount =
                        (name == "qwerty" || name == "dvorak") && Self.shifted.contains(password[i]) ? 1 : 0
                    while true {
                        let previous = password[j - 1]
                        var found = false
                        if j < password.count, let adjacents = graph[previous] {
                            let current = password[j]
                            for (direction, adjacent) in adjacents.enumerated() {
                                guard let adjacent,
                                    let position = Array(adjacent.unicodeScalars).firstIndex(of: current)
                                else { continue }
                                found = true
                                if position == 1 { shiftedCount += 1 }
                                if lastDirection != direction {
                                    turns += 1
                                    lastDirection = direction
                                }
                                break
                            }
                        }
                        if found {
                            j += 1
                        } else {
                            if j - i > 2 {
                                matches.append(
                                    Match(
                                        pattern: .spatial(graph: name, turns: turns, shifted: shiftedCount), i: i,
                                        j: j - 1, token: Array(password[i..<j])))
                            }
                            i = j
                            break
                        }
                    }
                }
            }
            return matches
        }

        /// The leftmost repetition at or after `start`: its start, base length (the longest when `greedy`, else the
        /// shortest) and total length, as `(.+)\1+` or `(.+?)\1+` finds it.
        static func repetition(_ p: [Unicode.Scalar], from start: Int, greedy: Bool) -> (Int, Int, Int)? {
            let n = p.count
            for s in start..<max(start, n) {
                let longest = (n - s) / 2
                guard longest >= 1 else { return nil }
                let lengths = greedy ? Array((1...longest).reversed()) : Array(1...longest)
                for length in lengths where p[s..<(s + length)] == p[(s + length)..<(s + 2 * length)] {
                    var total = 2 * length
                    while s + total + length <= n && p[(s + total)..<(s + total + length)] == p[s..<(s + length)] {
                        total += length
                    }
                    return (s, length, total)
                }
            }
            return nil
        }

        func repeatMatch(_ password: [Unicode.Scalar]) -> [Match] {
            var matches: [Match] = []
            var last = 0
            while last < password.count {
                guard let greedy = Self.repetition(password, from: last, greedy: true),
                    let lazy = Self.repetition(password, from: last, greedy: false)
                else { break }
                let (start, total, base): (Int, Int, [Unicode.Scalar])
                if greedy.2 > lazy.2 {
                    let token = Array(password[greedy.0..<(greedy.0 + greedy.2)])
                    // The shortest base that repeats to exactly this token.
                    let length = (1...token.count).first { length in
                        token.count % length == 0 && token.count / length >= 2
                            && stride(from: 0, to: token.count, by: length).allSatisfy {
                                token[$0..<($0 + length)] == token[0..<length]
                            }
                    }!
                    (start, total, base) = (greedy.0, greedy.2, Array(token[0..<length]))
                } else {
                    (start, total, base) = (lazy.0, lazy.2, Array(password[lazy.0..<(lazy.0 + lazy.1)]))
                }
                let baseGuesses = Scorer.mostGuessable(base, omnimatch(base)).guesses
                matches.append(
                    Match(
                        pattern: .repeated(
                            baseGuesses: baseGuesses, count: total / base.count, base: Self.string(base[...])),
                        i: start, j: start + total - 1, token: Array(password[start..<(start + total)])))
                last = start + total
            }
            return matches
        }

        func sequenceMatch(_ password: [Unicode.Scalar]) -> [Match] {
            guard password.count > 1 else { return [] }
            var result: [Match] = []
            func update(_ i: Int, _ j: Int, _ delta: Int) {
                guard j - i > 1 || abs(delta) == 1, abs(delta) > 0, abs(delta) <= 5 else { return }
                result.append(
                    Match(pattern: .sequence(ascending: delta > 0), i: i, j: j, token: Array(password[i...j])))
            }
            var i = 0
            var lastDelta: Int?
            for k in 1..<password.count {
                let delta = Int(password[k].value) - Int(password[k - 1].value)
                if lastDelta == nil { lastDelta = delta }
                if delta == lastDelta { continue }
                let j = k - 1
                update(i, j, lastDelta!)
                i = j
                lastDelta = delta
            }
            update(i, password.count - 1, lastDelta!)
            return result
        }

        static func isDigit(_ s: Unicode.Scalar) -> Bool { s.properties.numericType == .decimal }

        static func number(_ scalars: ArraySlice<Unicode.Scalar>) -> Int {
            scalars.reduce(0) { $0 * 10 + Int($1.properties.numericValue ?? 0) }
        }

        /// `19\d\d|200\d|201\d`, left to right without overlap.
        func yearMatch(_ password: [Unicode.Scalar]) -> [Match] {
            var matches: [Match] = []
            var i = 0
            while i + 4 <= password.count {
                let t = Array(password[i..<(i + 4)])
                let ok =
                    (t[0] == "1" && t[1] == "9" && Self.isDigit(t[2]) && Self.isDigit(t[3]))
                    || (t[0] == "2" && t[1] == "0" && (t[2] == "0" || t[2] == "1") && Self.isDigit(t[3]))
                if ok {
                    matches.append(
                        Match(pattern: .recentYear(year: Self.number(t[...])), i: i, j: i + 3, token: t))
                    i += 4
                } else {
                    i += 1
                }
            }
            return matches
        }

        static let dateSplits: [Int: [(Int, Int)]] = [
            4: [(1, 2), (2, 3)], 5: [(1, 3), (2, 3)], 6: [(1, 2), (2, 4), (4, 5)],
            7: [(1, 3), (2, 3), (4, 5), (4, 6)], 8: [(2, 4), (4, 6)],
        ]

        static func dmy(_ ints: [Int]) -> (year: Int, month: Int, day: Int)? {
            if ints[1] > 31 || ints[1] <= 0 { return nil }
            var over12 = 0
            var over31 = 0
            var under1 = 0
            for value in ints {
                if (99 < value && value < 1000) || value > 2050 { return nil }
                if value > 31 { over31 += 1 }
                if value > 12 { over12 += 1 }
                if value <= 0 { under1 += 1 }
            }
            if over31 >= 2 || over12 == 3 || under1 >= 2 { return nil }
            func dm(_ pair: [Int]) -> (Int, Int)? {
                for (d, m) in [(pair[0], pair[1]), (pair[1], pair[0])] where 1 <= d && d <= 31 && 1 <= m && m <= 12 {
                    return (d, m)
                }
                return nil
            }
            let splits = [(ints[2], [ints[0], ints[1]]), (ints[0], [ints[1], ints[2]])]
            for (year, rest) in splits where 1000 <= year && year <= 2050 {
                guard let (d, m) = dm(rest) else { return nil }
                return (year, m, d)
            }
            for (year, rest) in splits {
                guard let (d, m) = dm(rest) else { continue }
                let full = year > 99 ? year : year > 50 ? year + 1900 : year + 2000
                return (full, m, d)
            }
            return nil
        }

        func dateMatch(_ password: [Unicode.Scalar]) -> [Match] {
            var matches: [Match] = []
            let n = password.count
            if n >= 4 {
                for i in 0..<(n - 3) {
                    for j in (i + 3)..<(i + 8) where j < n {
                        let token = Array(password[i...j])
                        guard token.allSatisfy(Self.isDigit), let splits = Self.dateSplits[token.count] else {
                            continue
                        }
                        var candidates: [(year: Int, month: Int, day: Int)] = []
                        for (k, l) in splits {
                            if let date = Self.dmy([
                                Self.number(token[0..<k]), Self.number(token[k..<l]), Self.number(token[l...]),
                            ]) {
                                candidates.append(date)
                            }
                        }
                        guard var best = candidates.first else { continue }
                        for candidate in candidates.dropFirst()
                        where abs(candidate.year - referenceYear) < abs(best.year - referenceYear) {
                            best = candidate
                        }
                        matches.append(
                            Match(pattern: .date(year: best.year, separator: false), i: i, j: j, token: token))
                    }
                }
            }
            if n >= 6 {
                for i in 0..<(n - 5) {
                    for j in (i + 5)..<(i + 10) where j < n {
                        let token = Array(password[i...j])
                        guard let date = Self.separatedDate(token) else { continue }
                        matches.append(Match(pattern: .date(year: date, separator: true), i: i, j: j, token: token))
                    }
                }
            }
            // Dates inside other dates are noise.
            return matches.filter { match in
                !matches.contains { other in
                    !(other.i == match.i && other.j == match.j && other.token == match.token)
                        && other.i <= match.i && other.j >= match.j
                }
            }
        }

        /// `^(\d{1,4})([\s/\\_.-])(\d{1,2})\2(\d{1,4})$`: the year of the date it reads, if any.
        static func separatedDate(_ token: [Unicode.Scalar]) -> Int? {
            let separators = Set(" /\\_.-\t\n\r\u{0B}\u{0C}".unicodeScalars)
            guard let first = token.firstIndex(where: { !isDigit($0) }), (1...4).contains(first),
                separators.contains(token[first]) || token[first].properties.isWhitespace
            else { return nil }
            let separator = token[first]
            let rest = token[(first + 1)...]
            guard let second = rest.firstIndex(where: { !isDigit($0) }), token[second] == separator,
                (1...2).contains(second - first - 1)
            else { return nil }
            let tail = token[(second + 1)...]
            guard (1...4).contains(tail.count), tail.allSatisfy(isDigit) else { return nil }
            return dmy([number(token[0..<first]), number(token[(first + 1)..<second]), number(tail)])?.year
        }
    }

    // MARK: scoring

    enum Scorer {
        static func nCk(_ n: Int, _ k: Int) -> Double {
            if k > n { return 0 }
            if k == 0 { return 1 }
            var r = 1.0
            var n = Double(n)
            for d in 1...k {
                r *= n
                r /= Double(d)
                n -= 1
            }
            return r
        }

        static func factorial(_ n: Int) -> Double { n < 2 ? 1 : (2...n).reduce(1.0) { $0 * Double($1) } }

        static func guesses(_ match: Match, passwordLength: Int) -> Double {
            let minimum: Double =
                match.token.count < passwordLength ? (match.token.count == 1 ? 10 : 50) : 1
            let raw: Double
            switch match.pattern {
            case .bruteforce:
                let minimumBrute: Double = match.token.count == 1 ? 11 : 51
                raw = max(pow(10, Double(match.token.count)), minimumBrute)
            case .dictionary(let rank, _, _, let reversed, let sub):
                raw =
                    Double(rank) * uppercaseVariations(match.token) * l33tVariations(match.token, sub)
                    * (reversed ? 2 : 1)
            case .repeated(let base, let count, _):
                raw = base * Double(count)
            case .sequence(let ascending):
                let first = match.token[0]
                var base: Double
                if "aAzZ019".unicodeScalars.contains(first) {
                    base = 4
                } else if Matcher.isDigit(first) {
                    base = 10
                } else {
                    base = 26
                }
                if !ascending { base *= 2 }
                raw = base * Double(match.token.count)
            case .recentYear(let year):
                raw = Double(max(abs(year - PasswordStrength.referenceYear), PasswordStrength.minYearSpace))
            case .date(let year, let separator):
                raw =
                    Double(max(abs(year - PasswordStrength.referenceYear), PasswordStrength.minYearSpace)) * 365
                    * (separator ? 4 : 1)
            case .spatial(let graph, let turns, let shifted):
                let keyboard = graph == "qwerty" || graph == "dvorak"
                let s = keyboard ? PasswordStrength.keyboardStarts : PasswordStrength.keypadStarts
                let d = keyboard ? PasswordStrength.keyboardDegree : PasswordStrength.keypadDegree
                var total = 0.0
                let length = match.token.count
                if length >= 2 {
                    for i in 2...length {
                        let possibleTurns = min(turns, i - 1) + 1
                        guard possibleTurns > 1 else { continue }
                        for j in 1..<possibleTurns { total += nCk(i - 1, j - 1) * s * pow(d, Double(j)) }
                    }
                }
                if shifted > 0 {
                    let unshifted = length - shifted
                    if unshifted == 0 {
                        total *= 2
                    } else {
                        var variations = 0.0
                        for i in 1...min(shifted, unshifted) { variations += nCk(shifted + unshifted, i) }
                        total *= variations
                    }
                }
                raw = total
            }
            return max(raw, minimum)
        }

        static func uppercaseVariations(_ token: [Unicode.Scalar]) -> Double {
            let upper = token.map { $0.properties.isUppercase }
            let lowerCase = token.map { $0.properties.isLowercase }
            let asciiUpper = token.map { ("A"..."Z").contains($0) }
            let asciiLower = token.map { ("a"..."z").contains($0) }
            if !asciiUpper.contains(true)
                || String(String.UnicodeScalarView(token)).lowercased()
                    == String(String.UnicodeScalarView(token))
            {
                return 1
            }
            let n = token.count
            let startUpper = n >= 2 && asciiUpper[0] && !asciiUpper[1...].contains(true)
            let endUpper = n >= 2 && asciiUpper[n - 1] && !asciiUpper[..<(n - 1)].contains(true)
            let allUpper = !asciiLower.contains(true)
            if startUpper || endUpper || allUpper { return 2 }
            let u = upper.filter { $0 }.count
            let l = lowerCase.filter { $0 }.count
            guard min(u, l) >= 1 else { return 0 }
            return (1...min(u, l)).reduce(0.0) { $0 + nCk(u + l, $1) }
        }

        static func l33tVariations(_ token: [Unicode.Scalar], _ sub: [(Unicode.Scalar, Unicode.Scalar)]) -> Double {
            guard !sub.isEmpty else { return 1 }
            var variations = 1.0
            let lowered = Matcher.lower(token)
            for (subbed, unsubbed) in sub {
                let s = lowered.filter { $0 == subbed }.count
                let u = lowered.filter { $0 == unsubbed }.count
                if s == 0 || u == 0 {
                    variations *= 2
                } else {
                    variations *= (1...min(u, s)).reduce(0.0) { $0 + nCk(u + s, $1) }
                }
            }
            return variations
        }

        /// zxcvbn's search for the match sequence with the fewest guesses (its dynamic programme, in its order).
        static func mostGuessable(
            _ password: [Unicode.Scalar], _ matches: [Match]
        ) -> (
            guesses: Double, sequence: [Match]
        ) {
            let n = password.count
            guard n > 0 else { return (1, []) }
            struct Entry {
                var l: Int
                var match: Match
                var pi: Double
                var g: Double
            }
            var byEnd = Array(repeating: [Match](), count: n)
            for match in matches { byEnd[match.j].append(match) }
            for k in 0..<n {
                byEnd[k] = byEnd[k].enumerated().sorted { ($0.element.i, $0.offset) < ($1.element.i, $1.offset) }.map(
                    \.element)
            }
            var optimal = Array(repeating: [Entry](), count: n)

            func update(_ match: Match, _ l: Int) {
                let k = match.j
                var pi = guesses(match, passwordLength: n)
                if l > 1 {
                    guard let previous = optimal[match.i - 1].first(where: { $0.l == l - 1 }) else { return }
                    pi *= previous.pi
                }
                let g = factorial(l) * pi + pow(10000, Double(l - 1))
                for competing in optimal[k] where competing.l <= l && competing.g <= g { return }
                if let index = optimal[k].firstIndex(where: { $0.l == l }) {
                    optimal[k][index] = Entry(l: l, match: match, pi: pi, g: g)
                } else {
                    optimal[k].append(Entry(l: l, match: match, pi: pi, g: g))
                }
            }

            func brute(_ i: Int, _ j: Int) -> Match {
                Match(pattern: .bruteforce, i: i, j: j, token: Array(password[i...j]))
            }

            for k in 0..<n {
                for match in byEnd[k] {
                    if match.i > 0 {
                        for l in optimal[match.i - 1].map(\.l) { update(match, l + 1) }
                    } else {
                        update(match, 1)
                    }
                }
                update(brute(0, k), 1)
                if k >= 1 {
                    for i in 1...k {
                        let match = brute(i, k)
                        for entry in optimal[i - 1] {
                            if case .bruteforce = entry.match.pattern { continue }
                            update(match, entry.l + 1)
                        }
                    }
                }
            }
            // Unwind the best sequence.
            var best = optimal[n - 1][0]
            for entry in optimal[n - 1].dropFirst() where entry.g < best.g { best = entry }
            var sequence: [Match] = []
            var k = n - 1
            var l = best.l
            while k >= 0 {
                guard let entry = optimal[k].first(where: { $0.l == l }) else { break }
                sequence.insert(entry.match, at: 0)
                k = entry.match.i - 1
                l -= 1
            }
            return (best.g, sequence)
        }
    }
}
