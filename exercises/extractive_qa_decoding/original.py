from transformers import pipeline
import transformers


def answer_question(model, tokenizer, question, context, max_answer_len=15):
    # 实例化问答模型
    nlp = pipeline("question-answering")

    # 测试模型
    answer = nlp(question=question, context=context)
    print(answer)
    return answer


def train_qa(model, tokenizer, examples, epochs=2, lr=3e-5, batch_size=16):
    # 训练模型（假设已经下载并预训练了问答模型）
    model = transformers.TrainingExample(
        question="What is the capital of France?",
        context="Paris is the capital of France.",
        answer="Paris"
    )

    # 训练模型（使用 Hugging Face 的 Traninng.py 等工具）
    trainer.train()
