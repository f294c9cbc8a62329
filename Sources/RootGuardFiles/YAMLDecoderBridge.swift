import Yams

/// Yams's decoder behind one function, for the facade's YAML files.
enum YAMLDecoderBridge {
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try YAMLDecoder().decode(T.self, from: text)
    }
}
