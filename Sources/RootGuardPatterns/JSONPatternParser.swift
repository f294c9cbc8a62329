import Foundation

/// Recursive-descent parser for JSON filter patterns: `{ expr }`, `||` binds looser than `&&`, parentheses.
struct JSONPatternParser {
    let characters: [Character]
    var position = 0

    init(_ text: String) { characters = Array(text) }

    func error(_ message: String) -> LogFilterPattern.ParseError {
        LogFilterPattern.ParseError(message: message, position: position)
    }

    mutating func parse() throws -> JSONExpression {
        try expect("{")
        let expression = try parseOr()
        skipSpace()
        try expect("}")
        skipSpace()
        guard position == characters.count else { throw error("unexpected text after the closing '}'") }
        return expression
    }

    mutating func skipSpace() {
        while position < characters.count && characters[position].isWhitespace { position += 1 }
    }

    mutating func expect(_ character: Character) throws {
        skipSpace()
        guard position < characters.count, characters[position] == character else {
            throw error("expected '\(character)'")
        }
        position += 1
    }

    mutating func consume(_ text: String) -> Bool {
        skipSpace()
        let needle = Array(text)
        guard position + needle.count <= characters.count,
            Array(characters[position..<position + needle.count]) == needle
        else { return false }
        position += needle.count
        return true
    }

    mutating func consumeWord(_ word: String) -> Bool {
        skipSpace()
        let needle = Array(word)
        guard position + needle.count <= characters.count,
            String(characters[position..<position + needle.count]).uppercased() == word
        else { return false }
        let end = position + needle.count
        if end < characters.count, characters[end].isLetter || characters[end].isNumber { return false }
        position = end
        return true
    }

    mutating func parseOr() throws -> JSONExpression {
        var left = try parseAnd()
        while consume("||") { left = .or(left, try parseAnd()) }
        return left
    }

    mutating func parseAnd() throws -> JSONExpression {
        var left = try parsePrimary()
        while consume("&&") { left = .and(left, try parsePrimary()) }
        return left
    }

    mutating func parsePrimary() throws -> JSONExpression {
        skipSpace()
        if consume("(") {
            let inner = try parseOr()
            try expect(")")
            return inner
        }
        let selector = try parseSelector()
        if consumeWord("NOT") {
            guard consumeWord("EXISTS") else { throw error("expected EXISTS after NOT") }
            return .exists(selector, false)
        }
        if consumeWord("EXISTS") { return .exists(selector, true) }
        if consumeWord("IS") {
            if consumeWord("NULL") { return .isNull(selector) }
            if consumeWord("TRUE") { return .isBool(selector, true) }
            if consumeWord("FALSE") { return .isBool(selector, false) }
            throw error("expected NULL, TRUE or FALSE after IS")
        }
        let comparison: JSONExpression.Comparison
        if consume("!=") {
            comparison = .ne
        } else if consume("<=") {
            comparison = .le
        } else if consume(">=") {
            comparison = .ge
        } else if consume("=") {
            comparison = .eq
        } else if consume("<") {
            comparison = .lt
        } else if consume(">") {
            comparison = .gt
        } else {
            throw error("expected a comparison (=, !=, <, >, <=, >=), EXISTS, NOT EXISTS or IS after \(selector)")
        }
        let value = try parseValue()
        if [.lt, .gt, .le, .ge].contains(comparison), value.number == nil {
            throw error("\(comparison.rawValue) needs a number")
        }
        return .compare(selector, comparison, value)
    }

    mutating func parseSelector() throws -> JSONSelector {
        skipSpace()
        guard position < characters.count, characters[position] == "$" else {
            throw error("expected a selector starting with $")
        }
        position += 1
        var steps: [JSONSelector.Step] = []
        while position < characters.count {
            if characters[position] == "." {
                position += 1
                var key = ""
                while position < characters.count,
                    characters[position].isLetter || characters[position].isNumber
                        || "_-@:".contains(characters[position])
                {
                    key.append(characters[position])
                    position += 1
                }
                if key.isEmpty {
                    if position < characters.count && characters[position] == "*" {
                        throw error("wildcard selectors ($.*) are not supported")
                    }
                    throw error("expected a property name after '.'")
                }
                steps.append(.key(key))
            } else if characters[position] == "[" {
                position += 1
                var digits = ""
                while position < characters.count && characters[position].isNumber {
                    digits.append(characters[position])
                    position += 1
                }
                guard let index = Int(digits), position < characters.count, characters[position] == "]" else {
                    throw error("expected an array index like [0]")
                }
                position += 1
                steps.append(.index(index))
            } else {
                break
            }
        }
        guard !steps.isEmpty else { throw error("expected a property after $") }
        return JSONSelector(steps: steps)
    }

    mutating func parseValue() throws -> PatternValue {
        skipSpace()
        guard position < characters.count else { throw error("expected a value") }
        if characters[position] == "\"" {
            position += 1
            var text = ""
            while position < characters.count && characters[position] != "\"" {
                if characters[position] == "\\", position + 1 < characters.count {
                    position += 1
                }
                text.append(characters[position])
                position += 1
            }
            guard position < characters.count else { throw error("unterminated string") }
            position += 1
            return try classify(text, quoted: true)
        }
        var text = ""
        while position < characters.count {
            let c = characters[position]
            if c.isWhitespace || c == ")" || c == "}" { break }
            if c == "&" || c == "|" { break }
            text.append(c)
            position += 1
        }
        guard !text.isEmpty else { throw error("expected a value") }
        return try classify(text, quoted: false)
    }

    func classify(_ text: String, quoted: Bool) throws -> PatternValue {
        if text.count >= 2, text.hasPrefix("%"), text.hasSuffix("%") {
            do {
                return .regex(try FilterRegex(String(text.dropFirst().dropLast())))
            } catch let problem as FilterRegex.SyntaxError {
                throw error("regular expression \(text): \(problem)")
            }
        }
        if !quoted, let number = Double(text) { return .number(number, text: text) }
        return .string(text)
    }
}
