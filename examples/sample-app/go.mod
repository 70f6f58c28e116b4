module github.com/bolometer/sample-app

go 1.19
