# ecom suite: the two commands a new user needs.
.PHONY: demo test setup bench

demo:            ## set up, load the demo once, serve http://127.0.0.1:8000
	scripts/demo.sh

test:            ## set up, run every test on SQLite, PostgreSQL and Chromium
	scripts/test.sh

setup:           ## only install (virtualenv, modules, web client)
	scripts/setup.sh

bench:           ## order pipeline, platform download, packing on a throwaway PostgreSQL
	scripts/setup.sh
	scripts/with-postgresql env PYTHONOPTIMIZE=1 sh -c '\
		.venv/bin/ecom-bench orders \
			--orders $(or $(ORDERS),1000 10000) $(if $(WORKERS),--workers $(WORKERS)) \
		&& .venv/bin/ecom-bench download --orders $(or $(DOWNLOADS),10000) \
		&& .venv/bin/ecom-bench packing --parcels $(or $(PARCELS),1000) \
		&& .venv/bin/ecom-bench waves --shipments $(or $(SHIPMENTS),1000 10000)'
	.venv/bin/ecom-bench labels --labels $(or $(LABELS),2000)
	.venv/bin/ecom-bench iot --parcels $(or $(IOT_PARCELS),30)
	scripts/with-postgresql env PYTHONOPTIMIZE=1 .venv/bin/ecom-bench stock \
		--products $(or $(STOCK_PRODUCTS),5000) \
		--shipments $(or $(STOCK_SHIPMENTS),10000)
	scripts/with-postgresql env PYTHONOPTIMIZE=1 .venv/bin/ecom-bench finance \
		--rows $(or $(BILL_ROWS),10000)
