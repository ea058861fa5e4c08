import Foundation
let url = Bundle.module.url(forResource: "plans", withExtension: "json")
print(url as Any)
