import Foundation

/// One inference job at a time per model: later jobs for the same model wait in arrival order, and anyone may
/// ask where a job stands (`running`, or `queued` with the number of jobs ahead of it).
public actor InferenceQueue {
    /// Where a job stands.
    public enum Standing: Equatable, Sendable {
        case running(model: String)
        case queued(model: String, position: Int)
    }

    private struct Lane {
        var running: String?
        var waiting: [(id: String, turn: CheckedContinuation<Void, Error>)] = []
    }

    private var lanes: [String: Lane] = [:]
    private var cancelledWhileEntering: Set<String> = []

    /// An empty queue.
    public init() {}

    /// Waits until job `id` may run on `model`, then holds the model until `leave(model:id:)`.
    /// - Throws: `CancellationError` when the task is cancelled while waiting (the job leaves the queue);
    ///   `ServeError.badRequest` when a job with this id is already queued or running.
    public func enter(model: String, id: String) async throws {
        try Task.checkCancellation()
        guard standing(of: id) == nil else { throw ServeError.badRequest("job id '\(id)' is already in use") }
        var lane = lanes[model] ?? Lane()
        if lane.running == nil {
            lane.running = id
            lanes[model] = lane
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (turn: CheckedContinuation<Void, Error>) in
                if cancelledWhileEntering.remove(id) != nil {
                    turn.resume(throwing: CancellationError())
                    return
                }
                lanes[model, default: Lane()].waiting.append((id, turn))
            }
        } onCancel: {
            Task { await self.withdraw(model: model, id: id) }
        }
    }

    /// Releases `model` held by job `id` and lets the next waiting job run.
    public func leave(model: String, id: String) {
        guard var lane = lanes[model], lane.running == id else { return }
        if lane.waiting.isEmpty {
            lanes[model] = nil
            return
        }
        let next = lane.waiting.removeFirst()
        lane.running = next.id
        lanes[model] = lane
        next.turn.resume()
    }

    /// Where job `id` stands, or nil when it is neither queued nor running.
    public func standing(of id: String) -> Standing? {
        for (model, lane) in lanes {
            if lane.running == id { return .running(model: model) }
            if let index = lane.waiting.firstIndex(where: { $0.id == id }) { return .queued(model: model, position: index + 1) }
        }
        return nil
    }

    /// Removes a cancelled waiting job (or notes the cancellation when it has not reached the queue yet).
    private func withdraw(model: String, id: String) {
        guard var lane = lanes[model], let index = lane.waiting.firstIndex(where: { $0.id == id }) else {
            if lanes[model]?.running != id { cancelledWhileEntering.insert(id) }
            return
        }
        let job = lane.waiting.remove(at: index)
        lanes[model] = lane
        job.turn.resume(throwing: CancellationError())
    }
}
