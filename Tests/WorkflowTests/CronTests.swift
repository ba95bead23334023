import Testing
@testable import Workflow

@Suite("Cron syntax")
struct CronTests {
    @Test(arguments: ["0 0 * * *", "*/15 * * * 1-5", "30 5,17 * * MON-FRI", "0 0 1 JAN,JUL *", "0 12 * * 7", "5-10/2 * * * *"])
    func valid(_ expression: String) {
        #expect(Cron.problem(in: expression) == nil)
    }

    @Test(arguments: [
        ("61 * * * *", "out of range for the minute field"),
        ("* 24 * * *", "out of range for the hour field"),
        ("* * 0 * *", "out of range for the day of month field"),
        ("* * * 13 *", "out of range for the month field"),
        ("* * * * 8", "out of range for the day of week field"),
        ("*/0 * * * *", "must be a positive number"),
        ("10-5 * * * *", "runs backwards"),
        ("* * * *", "expected 5 fields"),
    ])
    func invalid(expression: String, message: String) {
        #expect(Cron.problem(in: expression)?.contains(message) == true, "\(Cron.problem(in: expression) ?? "no problem")")
    }
}
