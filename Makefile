# The two commands of the quick start, and the pieces they are made of.
SWIFT ?= swift
CAPDIFF = .build/release/capdiff

.PHONY: demo test deps test-deps build bench clean

deps:
	@bash ci/install-deps.sh

test-deps:
	@bash ci/install-deps.sh --tests

build: deps
	$(SWIFT) build -c release --product capdiff

demo: build
	$(CAPDIFF) demo

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: test-deps
	$(SWIFT) build -c release --product capdiff
	$(SWIFT) build -c release --product capdiff-bench
	bash Benchmarks/run.sh

clean:
	rm -rf .build reports
