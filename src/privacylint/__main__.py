from privacylint.cli import main

raise SystemExit(main())
