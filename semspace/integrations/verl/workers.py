"""The Ray workers of the trainer mode: verl's own, with the actor's engine measuring rank dynamics on request."""

from __future__ import annotations

from verl.workers.engine_workers import ActorRolloutRefWorker, TrainingWorker

from semspace.integrations.verl.engine import add_rank_dynamics


class SemspaceTrainingWorker(TrainingWorker):
    """verl's training worker whose engine also returns ER/ERV/ERA when the old-log-prob batch asks for them."""

    def __init__(self, config):
        super().__init__(config)
        add_rank_dynamics(self.engine)


class SemspaceActorRolloutRefWorker(ActorRolloutRefWorker):
    """verl's hybrid actor/rollout/reference worker whose actor is a SemspaceTrainingWorker (the reference policy
    keeps verl's worker: its log-probs need no hidden states)."""

    actor_worker_cls = SemspaceTrainingWorker
