from redis_tui.cli import main

raise SystemExit(main())
