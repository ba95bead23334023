import Foundation
import GitState
import YAMLSource

/// What a repository says about an artifact at a commit, as GTO reads it from
/// `artifacts.yaml` (`NAME: {type, path, description, labels, virtual}`) and DVC writes it in
/// `dvc.yaml` (`artifacts: {NAME: {type, path, desc, labels}}`). A file that is not valid is
/// skipped, as GTO skips a corrupted `artifacts.yaml`.
public struct ArtifactAnnotation: Codable, Sendable, Equatable {
    public var type: String?
    public var path: String?
    /// "" when not given, as GTO reads it.
    public var description = ""
    public var labels: [String] = []
    /// Whether the artifact lives outside git (GTO's default: true).
    public var virtual = true

    /// The annotations at `commit` (`artifacts.yaml` over `dvc.yaml` for a name in both).
    public static func read(repository: Repository, commit: String) -> [String: ArtifactAnnotation] {
        var out: [String: ArtifactAnnotation] = [:]
        if let data = try? repository.contents(of: "dvc.yaml", at: commit), let root = try? YAMLNode.parse(String(decoding: data, as: UTF8.self), file: "dvc.yaml"),
           case .mapping(let pairs) = root.content, let artifacts = pairs.first(where: { $0.key.scalar == "artifacts" })?.value {
            for (name, annotation) in entries(artifacts) { out[name] = annotation }
        }
        if let data = try? repository.contents(of: "artifacts.yaml", at: commit),
           let root = try? YAMLNode.parse(String(decoding: data, as: UTF8.self), file: "artifacts.yaml") {
            for (name, annotation) in entries(root) { out[name] = annotation }
        }
        return out
    }

    private static func entries(_ node: YAMLNode) -> [(String, ArtifactAnnotation)] {
        guard case .mapping(let pairs) = node.content else { return [] }
        return pairs.compactMap { key, value in
            guard let name = key.scalar else { return nil }
            var annotation = ArtifactAnnotation()
            guard case .mapping(let fields) = value.content else { return (name, annotation) }
            for (field, content) in fields {
                switch field.scalar {
                case "type": annotation.type = content.scalar
                case "path": annotation.path = content.scalar
                case "description", "desc": annotation.description = content.scalar ?? ""
                case "virtual": annotation.virtual = content.scalar != "false"
                case "labels":
                    if case .sequence(let items) = content.content { annotation.labels = items.compactMap(\.scalar) }
                default: break
                }
            }
            return (name, annotation)
        }
    }
}
