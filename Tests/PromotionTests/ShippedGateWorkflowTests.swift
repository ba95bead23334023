import Foundation
import Testing
import TestSupport

/// The shipped workflows (model-gate, promote-production, post-deploy) on the example
/// project, end to end, the way `make demo` shows them.
@Suite("Shipped gate workflows")
struct ShippedGateWorkflowTests {
    @Test("the example goes to staging, is held for and given an approval, reaches production, a failing version is rolled back, a noisy challenger and a drifted batch are blocked")
    func story() throws {
        let demo = try ProcessRunner.run("/usr/bin/env", ["bash", ProjectPaths.root + "/scripts/demo.sh", MLGateExecutable.path],
                                         in: ProjectPaths.root)
        let out = demo.stdout
        #expect(demo.status == 0, "\(out.suffix(3000))\(demo.stderr.suffix(2000))")
        let story = [
            "✓ promote: fraud v0.0.1",            // model-gate: checks recorded, registered, to staging
            "recorded as tag fraud#staging#1",
            "deploying fraud v0.0.1 to staging",  // post-deploy ran for staging
            "── Summary: promote-to-staging ──",   // the promote step's report, in the step summary
            "## fraud v0.0.1 → staging",
            "> **✓ promote** fraud v0.0.1",
            "… hold: fraud v0.0.1",               // production waits for an approval
            "production needs 1 approval(s), has 0",
            "exit status 3 (3 = hold)",
            "Approved fraud v0.0.1",
            "approved by rm@example.com",         // promote-production
            "deploying fraud v0.0.1 to production",
            "Analysis successful",                // post-deploy analysis in production
            "✓ promote: fraud v0.0.2",
            "Analysis failed",
            "✗ rollback: fraud in production → v0.0.1",
            "deploying fraud v0.0.1 to production",
            "exit status 1 (1: the analysis failed and rolled production back)",
            "fraud  production  v0.0.1",
            "rolled back     v0.0.2   production",
            // A challenger whose higher ROC-AUC is within noise: blocked by non_inferior.
            "metrics   fail    roc_auc 0.8516 vs champion v0.0.1 0.8423",
            "roc_auc   0.8423    0.8516     +0.0093",
            "non_inferior(roc_auc, 0.01)  fail",
            "✗ reject: fraud v0.0.3",
            "check performance failed: roc_auc 0.8516 vs champion v0.0.1 0.8423 (+0.0093)",
            "reaches past the margin −0.01",
            // A data batch whose amounts drifted: the drift check warns, the gate rejects.
            "input-drift      data      warn    1 of 3 columns drifted (amount)",
            // The security check the stages require: no secrets, unsafe models or weak workflows.
            "security         security  pass    no findings",
            "amount: ks p ≤ 0.05  fail",
            "✗ reject: fraud v0.0.4",
            "check input-drift warned and staging requires a pass: 1 of 3 columns drifted (amount)",
        ]
        var rest = Substring(out)
        for line in story {
            guard let found = rest.range(of: line) else {
                Issue.record("the demo should show \(line.debugDescription) after what came before\n\(out.suffix(4000))")
                return
            }
            rest = rest[found.upperBound...]
        }
    }
}
