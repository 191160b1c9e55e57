import { Module } from '@nestjs/common';
import { AuthController, PasswordController } from './auth.controller';
import { AuthService } from './auth.service';

@Module({ controllers: [AuthController, PasswordController], providers: [AuthService] })
export class AuthModule {}
