# idphoto-kiosk: `make run` starts the main job, `make test` runs the tests. Both create .venv on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test picture bench screenshots docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/idphoto kiosk --profile chsi-graduation

picture: $(STAMP)
	$(BIN)/idphoto make --profile chsi-graduation capture/camera/demo/astronaut-studio.jpg -o pictures/demo-chsi-graduation.jpg

bench: $(STAMP)
	$(BIN)/idphoto bench

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py docs/screenshots
	$(BIN)/python scripts/screenshots.py docs/screenshots --size 1920x1080

test: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q

docs: $(STAMP)
	$(BIN)/idphoto profiles --markdown > docs/profiles.md

clean:
	rm -rf $(VENV) pictures .pytest_cache .hypothesis
