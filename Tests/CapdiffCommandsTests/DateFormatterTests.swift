import Foundation
import Testing

@testable import CapdiffCommands

@Suite struct DateFormatterTests {
  @Test func datesAreGregorianUTCAndPOSIXWhateverTheMachine() {
    let day = DateFormatter.utc("yyyy-MM-dd")
    #expect(day.locale.identifier == "en_US_POSIX")
    #expect(day.calendar.identifier == .gregorian)
    #expect(day.timeZone.secondsFromGMT() == 0)
    // 2023-11-14 22:13:20 UTC, already the 15th east of Greenwich.
    let moment = Date(timeIntervalSince1970: 1_700_000_000)
    #expect(day.string(from: moment) == "2023-11-14")
    #expect(DateFormatter.utc("yyyy-MM-dd'T'HH:mm:ss").string(from: moment) == "2023-11-14T22:13:20")
  }
}
