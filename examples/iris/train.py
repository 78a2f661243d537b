# Trains a logistic-regression flower classifier, the way the original Workbench iris sample did:
#   labrun experiment submit -c local train.py 0.01     (the argument is the regularization rate)
# Standard library only, so it runs on any Python 3. Logs metrics through the original's logger
# and writes the model to ./outputs, which labrun keeps as the run's artifacts.
import csv
import math
import os
import pickle
import random
import sys

from azureml.logging import get_azureml_logger

logger = get_azureml_logger()

reg = 0.01
if len(sys.argv) > 1:
    reg = float(sys.argv[1])
print("Regularization rate is {}".format(reg))
logger.log("Regularization Rate", reg)

with open(os.path.join("data", "flowers.csv")) as f:
    rows = list(csv.DictReader(f))
classes = sorted({r["species"] for r in rows})
features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
data = [([1.0] + [float(r[k]) for k in features], classes.index(r["species"])) for r in rows]
random.Random(42).shuffle(data)
split = int(len(data) * 0.65)
train, test = data[:split], data[split:]
print("Training on {} flowers, testing on {}".format(len(train), len(test)))

weights = [[0.0] * 5 for _ in classes]


def probabilities(x):
    scores = [sum(w * v for w, v in zip(ws, x)) for ws in weights]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


rate = 0.05
for epoch in range(60):
    loss = 0.0
    for x, y in train:
        p = probabilities(x)
        loss -= math.log(max(p[y], 1e-12))
        for c, ws in enumerate(weights):
            g = p[c] - (1.0 if c == y else 0.0)
            for i in range(len(ws)):
                ws[i] -= rate * (g * x[i] + reg * ws[i])
    loss /= len(train)
    logger.log("loss", loss)

correct = sum(1 for x, y in test if max(range(len(classes)), key=lambda c: probabilities(x)[c]) == y)
accuracy = correct / len(test)
print("Accuracy is {}".format(accuracy))
logger.log("Accuracy", accuracy)

os.makedirs("./outputs", exist_ok=True)
with open("./outputs/model.pkl", "wb") as f:
    pickle.dump({"classes": classes, "features": features, "weights": weights}, f)
print("Model saved to ./outputs/model.pkl")
