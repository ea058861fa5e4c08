import CofferCore
import CofferPresentation
import CofferStore
import Foundation
import Hummingbird

extension Routes {
    /// The usage tabs, their summaries and the billing detail sheet (R39, SPEC §7–8).
    static let usageEndpoints: [Endpoint] = []
}
