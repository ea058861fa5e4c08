/// One entry of a keymap: the keys, what they do, and how to describe them.
public struct KeyBinding<Action: Sendable>: Sendable {
    /// Keys that trigger the action; the first one is shown in the footer, all of them in help.
    public var keys: [Key]
    /// The action to perform.
    public var action: Action
    /// A short description ("Quit", "Search").
    public var help: String
    /// The group the help overlay lists it under ("Global", "Table").
    public var group: String
    /// True to show it in the footer, not only in the help overlay.
    public var inFooter: Bool
    /// True when the footer keeps it whatever the width (the ways out: help, quit, cancel).
    public var pinned: Bool
    /// The footer's key label when the first key alone says too little ("←/→").
    public var hint: String?
    /// The footer's shorter description, when help's is long ("Personal" for "Switch me to Personal").
    public var brief: String?
    /// Why the action cannot be taken now; nil when it can. The footer and help dim it, and an
    /// application answers the key with this reason instead of the action.
    public var disabled: String?

    /// Creates a binding.
    public init(_ keys: [Key], _ action: Action, help: String, group: String = "General", inFooter: Bool = true,
                pinned: Bool = false, hint: String? = nil, brief: String? = nil) {
        self.keys = keys
        self.action = action
        self.help = help
        self.group = group
        self.inFooter = inFooter
        self.pinned = pinned
        self.hint = hint
        self.brief = brief
    }

    /// Key names as shown in help, e.g. "j/↓".
    public func keyLabel(glyphs: Glyphs) -> String {
        keys.map { $0.name(glyphs: glyphs) }.joined(separator: "/")
    }

    /// The key label of the footer: the hint, or the first key's name.
    public func hintLabel(glyphs: Glyphs) -> String {
        hint ?? keys.first.map { $0.name(glyphs: glyphs) } ?? ""
    }

    /// The description of the footer: the brief one, or help's.
    public var hintText: String { brief ?? help }

    /// The same binding, disabled for `reason` (nil: enabled).
    public func disabled(_ reason: String?) -> KeyBinding {
        var copy = self
        copy.disabled = reason
        return copy
    }
}

/// The keys of a screen: looked up when a key arrives and rendered by ``Footer`` and ``HelpOverlay``.
public struct Keymap<Action: Sendable>: Sendable {
    /// Bindings in display order.
    public var bindings: [KeyBinding<Action>]

    /// Creates a keymap.
    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    /// The binding of a key (the first matching binding wins), enabled or not.
    public func binding(for key: Key) -> KeyBinding<Action>? {
        bindings.first { $0.keys.contains(key) }
    }

    /// The action bound to a key (the first matching binding wins).
    public func action(for key: Key) -> Action? { binding(for: key)?.action }

    /// Group names in first-appearance order, each with its bindings.
    public var groups: [(name: String, bindings: [KeyBinding<Action>])] {
        var order: [String] = []
        var byGroup: [String: [KeyBinding<Action>]] = [:]
        for b in bindings {
            if byGroup[b.group] == nil { order.append(b.group) }
            byGroup[b.group, default: []].append(b)
        }
        return order.map { ($0, byGroup[$0]!) }
    }
}
