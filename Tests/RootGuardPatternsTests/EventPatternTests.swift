import RootGuardModel
import Testing

@testable import RootGuardPatterns

@Suite("EventBridge event patterns")
struct EventPatternTests {
    // Events and patterns after the EventBridge user guide's "content filtering" examples.
    static let event = """
        {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"EC2 Instance State-change Notification",
         "source":"aws.ec2","account":"111122223333","time":"2017-12-22T18:43:48Z","region":"us-west-1",
         "resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
         "detail":{"instance-id":"i-1234567890abcdef0","state":"terminated","c-count":5,"d-count":3,"source-ip":"10.0.0.255",
           "filename":"image.png","location":"eu-west","Type":"EC2","tags":["prod","web"],"nested":{"flag":false}}}
        """

    @Test(arguments: [
        (#"{"source":["aws.ec2"]}"#, true),
        (#"{"source":["aws.s3","aws.ec2"]}"#, true),
        (#"{"source":["aws.s3"]}"#, false),
        (#"{"detail":{"state":["terminated"]}}"#, true),
        (#"{"detail":{"c-count":[5]}}"#, true),
        (#"{"time":[{"prefix":"2017-12-22"}]}"#, true),
        (#"{"time":[{"prefix":"2018"}]}"#, false),
        (#"{"detail":{"location":[{"prefix":{"equals-ignore-case":"EU-"}}]}}"#, true),
        (#"{"detail":{"filename":[{"suffix":".png"}]}}"#, true),
        (#"{"detail":{"filename":[{"suffix":{"equals-ignore-case":".PNG"}}]}}"#, true),
        (#"{"detail":{"state":[{"anything-but":"initializing"}]}}"#, true),
        (#"{"detail":{"state":[{"anything-but":["stopped","terminated"]}]}}"#, false),
        (#"{"detail":{"state":[{"anything-but":{"prefix":"term"}}]}}"#, false),
        (#"{"detail":{"filename":[{"anything-but":{"suffix":".txt"}}]}}"#, true),
        (#"{"detail":{"state":[{"anything-but":{"equals-ignore-case":["TERMINATED"]}}]}}"#, false),
        (#"{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}"#, true),
        (#"{"detail":{"d-count":[{"numeric":["<",3]}]}}"#, false),
        (#"{"detail":{"c-count":[{"numeric":["=",5]}]}}"#, true),
        (#"{"detail":{"state":[{"exists":true}]}}"#, true),
        (#"{"detail":{"missing":[{"exists":false}]}}"#, true),
        (#"{"detail":{"state":[{"exists":false}]}}"#, false),
        (#"{"detail":{"missing":["x"]}}"#, false),
        (#"{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}"#, true),
        (#"{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}"#, false),
        (#"{"detail":{"filename":[{"wildcard":"*.png"}]}}"#, true),
        (#"{"detail":{"filename":[{"wildcard":"img*.png"}]}}"#, false),
        (#"{"detail":{"Type":[{"equals-ignore-case":"ec2"}]}}"#, true),
        (#"{"detail":{"tags":["web"]}}"#, true),
        (#"{"detail":{"nested":{"flag":[false]}}}"#, true),
        (#"{"detail":{"$or":[{"c-count":[{"numeric":[">",10]}]},{"d-count":[{"numeric":["<",5]}]}]}}"#, true),
        (#"{"$or":[{"source":["aws.s3"]},{"detail":{"state":["running"]}}]}"#, false),
    ])
    func contentFiltering(_ pattern: String, _ expected: Bool) throws {
        #expect(try EventPattern.parse(pattern).matches(Self.event) == expected, "\(pattern)")
    }

    @Test func ipv6CIDRs() {
        #expect(CIDR.contains(block: "2001:db8::/32", address: "2001:db8:1::5"))
        #expect(!CIDR.contains(block: "2001:db8::/32", address: "2001:db9::1"))
        #expect(!CIDR.contains(block: "10.0.0.0/8", address: "not an ip"))
    }

    @Test(arguments: [#"{"source":"aws.ec2"}"#, "[]", "not json", #"{"source":[]}"#, #"{"source":[{"bogus":1}]}"#])
    func malformedPatternsAreRejected(_ pattern: String) {
        #expect(throws: EventPattern.ParseError.self) { try EventPattern.parse(pattern) }
    }
}
