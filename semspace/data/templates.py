"""Wrap a problem in the prompt a model sees: its chat template, or plain text for base models."""

from ..errors import InvalidInputError

INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."
TEMPLATES = ("chat", "plain")


def build_prompt(tokenizer, problem: str, *, template: str = "chat") -> str:
    """The prompt text (the caller tokenizes); both templates ask for a boxed answer for grading."""
    if template == "plain":
        return f"Question: {problem}\n{INSTRUCTION}\nAnswer: Let's think step by step."
    if template != "chat":
        raise InvalidInputError(f"Unknown template '{template}'.", f"Use one of: {', '.join(TEMPLATES)}.")
    if not getattr(tokenizer, "chat_template", None):
        raise InvalidInputError(
            "This tokenizer has no chat template (a base model?).", "Use --template plain."
        )
    messages = [{"role": "user", "content": f"{problem}\n{INSTRUCTION}"}]
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
